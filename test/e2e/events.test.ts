import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent } from '../../functions/domain/events';
import { freshDate, uniqueUser } from '../support/api';
import { descendantsOf, enginePidOf } from '../support/engine';
import { httpClient, httpUser } from '../support/http-client';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(180_000);

const dataDir = mkdtempSync(join(tmpdir(), 'calendar-events-'));
const eventsFile = join(dataDir, 'events.jsonl');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const start = () => startLocalServer({ BCRYPT_ROUNDS: '4', DATA_DIR: dataDir, DYNAMODB_LOCAL_ACCESS_KEY: '', EVENTS_FILE: eventsFile });
const written = (): DomainEvent[] =>
  existsSync(eventsFile)
    ? readFileSync(eventsFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as DomainEvent)
    : [];

/** The events file once it holds every one of `ids` (or what it holds after the wait). */
async function eventsWith(ids: readonly string[], timeoutMs = 20_000): Promise<DomainEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = written();
    const seen = new Set(events.map((event) => event.id));
    if (ids.every((id) => seen.has(id)) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills the server and its DynamoDB Local at once, as a crash or a power cut would. */
function crash(server: LocalServer): Promise<unknown> {
  const engine = enginePidOf(server.dynamoDbEndpoint);
  // `npm start`'s runner starts the server as a child process of its own: all of them go at once.
  const below = descendantsOf(server.process.pid as number);
  const exited = new Promise((resolve) => server.process.once('exit', resolve));
  server.process.kill('SIGKILL');
  for (const pid of [...below, ...(engine === undefined ? [] : [engine])]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return exited;
}

/** The server running now, stopped after the test whatever its outcome. */
let server: LocalServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The events of one item (a meeting, a user's day), in the order the file holds them. */
const ofItem = (events: DomainEvent[], prefix: string) =>
  events.filter((event) => event.id.startsWith(`${prefix}:`)).map((event) => [event.id, event.type]);

describe('npm start publishes domain events', () => {
  it('appends one event per change to EVENTS_FILE and, across a restart and a crash, loses none and repeats none under a new id', async () => {
    server = await start();
    const request = httpClient(() => server!.url);
    const organiser = await httpUser(request, uniqueUser('e2eevents'));
    const guest = await httpUser(request, uniqueUser('e2eeventsguest'));
    const date = freshDate();
    const book = async (hour: number) => {
      const response = await request('POST', '/api/event/', {
        headers: organiser.auth,
        body: {
          title: 'E2E',
          description: '',
          time_slot: `${date} ${String(hour).padStart(2, '0')}:00:00`,
          participants: [guest.user.email],
        },
      });
      expect(response.status).toBe(201);
      return response.body.response.id as string;
    };

    const first = await book(9);
    const moved = await request('PATCH', `/api/event/${first}/`, { headers: organiser.auth, body: { time_slot: `${date} 10:00:00` } });
    expect(moved.status).toBe(200);
    const blocked = await request('POST', '/api/user/block_slots/', { headers: guest.auth, body: { date, blocked_slots: [15] } });
    expect(blocked.status).toBe(200);
    const before = [`${first}:1`, `${first}:2`, `${guest.user.id}:${date}:1`];
    const told = await eventsWith(before);
    // The table's stream keeps the order of each item's changes (as in AWS), not across items.
    expect(told.map((event) => event.id).sort()).toEqual([...before].sort());
    expect(ofItem(told, first)).toEqual([
      [`${first}:1`, 'meeting.booked'],
      [`${first}:2`, 'meeting.rescheduled'],
    ]);
    expect(ofItem(told, guest.user.id)).toEqual([[`${guest.user.id}:${date}:1`, 'availability.changed']]);

    // A clean restart on the same data: the next change is told, the earlier ones are not told again.
    expect(await server!.stop()).toBe(0);
    server = await start();
    const second = await book(12);
    let events = await eventsWith([...before, `${second}:1`]);
    expect(events.map((event) => event.id)).toEqual([...told.map((event) => event.id), `${second}:1`]);

    // A crash: changes made just before it are told after the next start, under their own ids.
    const third = await book(13);
    const cancelled = await request('PATCH', `/api/event/${third}/`, { headers: organiser.auth, body: { status: 'cancelled' } });
    expect(cancelled.status).toBe(200);
    await crash(server);
    server = await start();
    const all = [...before, `${second}:1`, `${third}:1`, `${third}:2`];
    events = await eventsWith(all);
    const ids = events.map((event) => event.id);
    expect([...new Set(ids)].sort()).toEqual([...all].sort());
    expect(events.find((event) => event.id === `${third}:2`)?.type).toBe('meeting.cancelled');
  });
});
