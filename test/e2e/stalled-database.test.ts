/**
 * A stalled engine, as an operator meets it: DynamoDB Local paused (SIGSTOP) under
 * `npm start`. Requests answer 503 by their deadline instead of hanging, health keeps
 * answering, and after the resume the data is whole.
 */
import { performance } from 'node:perf_hooks';
import { freshDate, uniqueUser } from '../support/api';
import { httpClient, httpUser } from '../support/http-client';
import { enginePidOf } from '../support/engine';
import { integrityOf } from '../support/integrity';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(120_000);

let server: LocalServer;
const request = httpClient(() => server.url);

beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
});
afterAll(() => server.stop());

/** The process id of the server's DynamoDB Local. */
function enginePid(): number {
  const pid = enginePidOf(server.dynamoDbEndpoint);
  if (pid === undefined) throw new Error('the server has no DynamoDB Local of its own');
  return pid;
}

/** A request and how long it took. */
async function timed(method: string, path: string, options: Parameters<typeof request>[2] = {}) {
  const started = performance.now();
  const answer = await request(method, path, options);
  return { ...answer, ms: performance.now() - started };
}

describe('with DynamoDB Local paused', () => {
  it('answers booking, availability and login 503 within the budget, keeps health, and is whole after the resume', async () => {
    const candidate = uniqueUser('stallorg');
    const organiser = await httpUser(request, candidate);
    const guest = await httpUser(request, uniqueUser('stallguest'));
    const date = freshDate();
    const booking = {
      title: 'Stalled',
      description: '',
      time_slot: `${date} 10:00:00`,
      participants: [guest.user.email],
    };
    const idempotent = { ...organiser.auth, 'idempotency-key': `stall-${date}` };

    const pid = enginePid();
    process.kill(pid, 'SIGSTOP');
    let answers;
    try {
      answers = await Promise.all([
        timed('POST', '/api/event/', { headers: idempotent, body: booking }),
        timed('GET', `/api/user/get_available_slots/?date=${date}`, { headers: guest.auth }),
        timed('POST', '/api/user/login/', { body: { username: candidate.username, password: candidate.password } }),
        timed('GET', '/api/health/'),
      ]);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const [booked, availability, login, health] = answers;
    for (const answer of [booked, availability, login]) {
      expect(answer?.status).toBe(503);
      expect(answer?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(answer?.body).toEqual({ detail: expect.any(String) });
      // The budget is 6 s; the answer comes with it, not after the engine's return.
      expect(answer?.ms).toBeGreaterThanOrEqual(5_000);
      expect(answer?.ms).toBeLessThan(8_000);
    }
    expect(health).toMatchObject({ status: 200 });
    expect(health?.ms).toBeLessThan(1_000);

    // Resumed: the paused write may have landed. A retry with the same key is told to
    // wait (409) while the first attempt may still run, then answers the booking that
    // landed, or books it once.
    let retried = await request('POST', '/api/event/', { headers: idempotent, body: booking });
    for (let waited = 0; retried.status === 409 && waited < 15; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, Number(retried.headers.get('retry-after')) * 1_000));
      retried = await request('POST', '/api/event/', { headers: idempotent, body: booking });
    }
    expect(retried.status).toBe(201);
    const listed = await request('GET', '/api/event/', { headers: organiser.auth });
    expect(listed.body.results.filter((meeting: { time_slot: string }) => meeting.time_slot === booking.time_slot)).toEqual([
      retried.body.response,
    ]);
    // A plain retry gets booking's answer: the hour is the organiser's meeting's.
    expect((await request('POST', '/api/event/', { headers: organiser.auth, body: booking })).body).toEqual({
      err_message: [`Time slot is conflicting with another event for user : ${organiser.user.email}`],
    });
    expect((await request('GET', `/api/user/get_available_slots/?date=${date}`, { headers: guest.auth })).status).toBe(200);
    expect(
      await integrityOf({
        endpoint: server.dynamoDbEndpoint,
        accessKeyId: server.accessKeyId,
        table: 'calendar',
        userIds: [organiser.user.id, guest.user.id],
      }),
    ).toEqual([]);
  });
});

describe('with DynamoDB Local killed', () => {
  it('answers 503, not a hang or a 500, keeps health, and says what happened', async () => {
    const own = await startLocalServer({ BCRYPT_ROUNDS: '4' });
    const ownRequest = httpClient(() => own.url);
    try {
      const candidate = uniqueUser('killedorg');
      const organiser = await httpUser(ownRequest, candidate);
      const engine = enginePidOf(own.dynamoDbEndpoint);
      if (engine === undefined) throw new Error('the server has no DynamoDB Local of its own');
      process.kill(engine, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const date = freshDate();
      for (const [method, path, options] of [
        [
          'POST',
          '/api/event/',
          { headers: organiser.auth, body: { title: 'Gone', description: '', time_slot: `${date} 09:00:00`, participants: [] } },
        ],
        ['GET', `/api/user/get_available_slots/?date=${date}`, { headers: organiser.auth }],
        ['POST', '/api/user/login/', { body: { username: candidate.username, password: candidate.password } }],
      ] as const) {
        const started = performance.now();
        const answer = await ownRequest(method, path, options);
        expect(answer.status).toBe(503);
        expect(answer.body).toEqual({ detail: expect.any(String) });
        expect(performance.now() - started).toBeLessThan(7_000);
      }
      expect((await ownRequest('GET', '/api/health/')).status).toBe(200);
      expect(own.output()).toContain('DynamoDB Local stopped unexpectedly (signal SIGKILL): requests that need the database answer 503');
    } finally {
      await own.stop();
    }
  });
});
