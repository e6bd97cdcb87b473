/**
 * Webhooks against `npm start`, with real receivers on loopback that verify every
 * signature with the `standardwebhooks` package, as an integrator's would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Webhook as Verifier } from 'standardwebhooks';
import { freshDate, uniqueUser } from '../support/api';
import { httpClient, httpUser } from '../support/http-client';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(120_000);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver on 127.0.0.1 that answers what `answer` says, after `delayMs`. */
interface Receiver {
  url: string;
  port: number;
  received: Received[];
  server: Server;
  answer: (request: Received, index: number) => { status: number; delayMs?: number };
  close(): Promise<void>;
}

async function receiver(answer: Receiver['answer'] = () => ({ status: 200 }), port = 0): Promise<Receiver> {
  const state = { received: [] as Received[], answer };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const got: Received = { headers: request.headers, body, at: Date.now() };
      state.received.push(got);
      const { status, delayMs = 0 } = receiverState.answer(got, state.received.length - 1);
      setTimeout(() => {
        if (!response.destroyed) response.writeHead(status).end('thanks');
      }, delayMs);
    });
  });
  const receiverState: Receiver = {
    url: '',
    port: 0,
    received: state.received,
    server,
    answer,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiverState.port = (server.address() as AddressInfo).port;
  receiverState.url = `http://127.0.0.1:${receiverState.port}/hook`;
  return receiverState;
}

const receivers: Receiver[] = [];
async function openReceiver(answer?: Receiver['answer'], port?: number): Promise<Receiver> {
  const opened = await receiver(answer, port);
  receivers.push(opened);
  return opened;
}

let server: LocalServer;
const request = httpClient(() => server.url);

beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4', WEBHOOK_RETRY_SCALE: '0.001' });
});
afterAll(async () => {
  for (const open of receivers) open.server.closeAllConnections();
  await Promise.all(receivers.map((open) => open.close()));
  await server.stop();
});

/** Waits until `check` holds (polling), or fails with what it last saw. */
async function until<T>(what: string, read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Person = Awaited<ReturnType<typeof httpUser>>;
const person = (name: string) => httpUser(request, uniqueUser(name));

async function subscribe(owner: Person, url: string, events: string[] = ['*']) {
  const answer = await request('POST', '/api/webhooks/', { headers: owner.auth, body: { url, events } });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; secret: string; url: string; events: string[]; active: boolean };
}

async function book(organiser: Person, guests: Person[], hour: number, date = freshDate()) {
  const answer = await request('POST', '/api/event/', {
    headers: organiser.auth,
    body: {
      title: 'Hooked',
      description: '',
      time_slot: `${date} ${String(hour).padStart(2, '0')}:00:00`,
      participants: guests.map((guest) => guest.user.email),
    },
  });
  expect(answer.status).toBe(201);
  return answer.body.response.id as string;
}

/** The event a receiver got, after checking its signature with `secret`. */
function verified(got: Received, secret: string): { id: string; type: string; data: Record<string, unknown> } {
  return new Verifier(secret).verify(got.body, {
    'webhook-id': String(got.headers['webhook-id']),
    'webhook-timestamp': String(got.headers['webhook-timestamp']),
    'webhook-signature': String(got.headers['webhook-signature']),
  }) as { id: string; type: string; data: Record<string, unknown> };
}

const deliveriesOf = async (owner: Person, webhookId: string) =>
  (await request('GET', `/api/webhooks/${webhookId}/deliveries/`, { headers: owner.auth })).body.results as {
    id: string;
    event_id: string;
    event_type: string;
    status: string;
    attempts: number;
    last_status_code: number | null;
    last_error: string | null;
  }[];

describe('webhooks on npm start', () => {
  it('delivers signed events to each subscription that asked for their type', async () => {
    const [organiser, guest] = [await person('whorg'), await person('whguest')];
    const everything = await openReceiver();
    const bookingsOnly = await openReceiver();
    const all = await subscribe(guest, everything.url);
    const some = await subscribe(guest, bookingsOnly.url, ['meeting.booked']);
    const meeting = await book(organiser, [guest], 10);
    expect((await request('PATCH', `/api/event/${meeting}/`, { headers: organiser.auth, body: { status: 'cancelled' } })).status).toBe(200);

    await until(
      'both events',
      () => everything.received.length,
      (count) => count >= 2,
    );
    await until(
      'the booking',
      () => bookingsOnly.received.length,
      (count) => count >= 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(everything.received.map((got) => verified(got, all.secret).type)).toEqual(['meeting.booked', 'meeting.cancelled']);
    expect(bookingsOnly.received.map((got) => verified(got, some.secret))).toMatchObject([
      { id: `${meeting}:1`, type: 'meeting.booked', data: { meeting: { id: meeting, version: 1 } } },
    ]);
    // Signed with the subscription's own secret only.
    expect(() => verified(bookingsOnly.received[0] as Received, all.secret)).toThrow();
    // The organiser has no subscription; nothing about others' meetings reaches the guest's.
    const log = await deliveriesOf(guest, all.id);
    expect(log.map((entry) => [entry.event_type, entry.status, entry.attempts])).toEqual([
      ['meeting.cancelled', 'delivered', 1],
      ['meeting.booked', 'delivered', 1],
    ]);
  });

  it('retries a failing receiver and delivers on the third attempt under the same webhook-id', async () => {
    const owner = await person('whretry');
    const flaky = await openReceiver((_, index) => ({ status: index < 2 ? 500 : 200 }));
    const hook = await subscribe(owner, flaky.url, ['availability.changed']);
    const date = freshDate();
    expect((await request('POST', '/api/user/block_slots/', { headers: owner.auth, body: { date, blocked_slots: [7] } })).status).toBe(200);

    await until(
      'three attempts',
      () => flaky.received.length,
      (count) => count >= 3,
    );
    const ids = flaky.received.map((got) => got.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    for (const got of flaky.received) expect(verified(got, hook.secret)).toMatchObject({ type: 'availability.changed' });
    const [entry] = await until(
      'the log to say delivered',
      () => deliveriesOf(owner, hook.id),
      (log) => log[0]?.status === 'delivered',
    );
    expect(entry).toMatchObject({ id: ids[0], attempts: 3, last_status_code: 200, last_error: null, event_type: 'availability.changed' });
  });

  it('delivers to a receiver that was down, once it is up', async () => {
    const owner = await person('whdown');
    const placeholder = await receiver();
    const port = placeholder.port;
    await placeholder.close();
    const hook = await subscribe(owner, `http://127.0.0.1:${port}/hook`, ['availability.changed']);
    const date = freshDate();
    expect((await request('POST', '/api/user/block_slots/', { headers: owner.auth, body: { date, blocked_slots: [8] } })).status).toBe(200);
    await until(
      'a failed attempt',
      () => deliveriesOf(owner, hook.id),
      (log) => (log[0]?.attempts ?? 0) >= 1,
    );
    const up = await openReceiver(undefined, port);
    await until(
      'the delivery',
      () => up.received.length,
      (count) => count >= 1,
    );
    const [entry] = await until(
      'the log',
      () => deliveriesOf(owner, hook.id),
      (log) => log[0]?.status === 'delivered',
    );
    expect(entry?.attempts).toBeGreaterThan(1);
    expect(verified(up.received[0] as Received, hook.secret)).toMatchObject({ type: 'availability.changed' });
  });

  it('counts a receiver slower than 10 s as failed, and retries it', async () => {
    const owner = await person('whslow');
    const slow = await openReceiver((_, index) => (index === 0 ? { status: 200, delayMs: 11_000 } : { status: 200 }));
    const hook = await subscribe(owner, slow.url, ['availability.changed']);
    const started = Date.now();
    const date = freshDate();
    expect((await request('POST', '/api/user/block_slots/', { headers: owner.auth, body: { date, blocked_slots: [9] } })).status).toBe(200);
    await until(
      'a second attempt',
      () => slow.received.length,
      (count) => count >= 2,
      30_000,
    );
    expect((slow.received[1] as Received).at - started).toBeGreaterThanOrEqual(10_000);
    const [entry] = await until(
      'the log',
      () => deliveriesOf(owner, hook.id),
      (log) => log[0]?.status === 'delivered',
    );
    expect(entry?.attempts).toBe(2);
    expect(slow.received[0]?.headers['webhook-id']).toBe(slow.received[1]?.headers['webhook-id']);
  });

  it('pings, rotates the secret (both sign for a day) and redelivers under the same webhook-id', async () => {
    const owner = await person('whping');
    const target = await openReceiver();
    const hook = await subscribe(owner, target.url);
    const ping = await request('POST', `/api/webhooks/${hook.id}/ping/`, { headers: owner.auth });
    expect(ping.status).toBe(202);
    await until(
      'the ping',
      () => target.received.length,
      (count) => count >= 1,
    );
    expect(verified(target.received[0] as Received, hook.secret)).toMatchObject({
      type: 'webhook.ping',
      data: { webhook: { id: hook.id } },
    });

    const rotated = await request('POST', `/api/webhooks/${hook.id}/rotate_secret/`, { headers: owner.auth });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect((await request('POST', `/api/webhooks/${hook.id}/ping/`, { headers: owner.auth })).status).toBe(202);
    await until(
      'the second ping',
      () => target.received.length,
      (count) => count >= 2,
    );
    const second = target.received[1] as Received;
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(second, rotated.body.secret).type).toBe('webhook.ping');
    expect(verified(second, hook.secret).type).toBe('webhook.ping');

    const [latest] = await deliveriesOf(owner, hook.id);
    const again = await request('POST', `/api/webhooks/${hook.id}/deliveries/${latest?.id}/redeliver/`, { headers: owner.auth });
    expect(again.status).toBe(202);
    await until(
      'the redelivery',
      () => target.received.length,
      (count) => count >= 3,
    );
    expect(target.received[2]?.headers['webhook-id']).toBe(second.headers['webhook-id']);
    expect(target.received[2]?.body).toBe(second.body);
  });

  it("retries a ping past its request's deadline, to the fifth attempt", async () => {
    // On this server's schedule (x 0.001) the fifth attempt comes about 9 s after the ping:
    // past the 6 s deadline of the request that queued the first.
    const owner = await person('whpinglate');
    const target = await openReceiver((_, index) => ({ status: index < 4 ? 503 : 200 }));
    const hook = await subscribe(owner, target.url);
    expect((await request('POST', `/api/webhooks/${hook.id}/ping/`, { headers: owner.auth })).status).toBe(202);
    const [delivery] = await until(
      'the fifth attempt',
      () => deliveriesOf(owner, hook.id),
      (log) => log[0]?.status === 'delivered',
      30_000,
    );
    expect(delivery).toMatchObject({ attempts: 5, last_status_code: 200 });
    expect(new Set(target.received.map((got) => got.headers['webhook-id'])).size).toBe(1);
  });

  it('delivers a storm of 40 bookings as 40 deliveries with 40 distinct ids, all verifying', async () => {
    const guest = await person('whstormguest');
    const organisers = await Promise.all(Array.from({ length: 8 }, (_, index) => person(`whstorm${index}`)));
    const target = await openReceiver();
    const hook = await subscribe(guest, target.url, ['meeting.booked']);
    // The guest's 40 hours: 20 on each of two dates, all booked at once.
    const dates = [freshDate(), freshDate()];
    const meetings = await Promise.all(
      organisers.flatMap((organiser, index) =>
        Array.from({ length: 5 }, (_, hour) => book(organiser, [guest], (index % 4) * 5 + hour, dates[Math.floor(index / 4)])),
      ),
    );
    expect(meetings).toHaveLength(40);
    await until(
      '40 deliveries',
      () => target.received.length,
      (count) => count >= 40,
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = target.received.map((got) => verified(got, hook.secret));
    expect(target.received).toHaveLength(40);
    expect(new Set(target.received.map((got) => got.headers['webhook-id'])).size).toBe(40);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(meetings.map((id) => `${id}:1`)));
  });

  it("keeps each user's subscriptions to themselves, at most ten, and never shows a secret again", async () => {
    const [owner, stranger] = [await person('whowner'), await person('whstranger')];
    const target = await openReceiver();
    const created = await Promise.all(
      Array.from({ length: 14 }, () =>
        request('POST', '/api/webhooks/', { headers: owner.auth, body: { url: target.url, events: ['*'] } }),
      ),
    );
    expect(created.filter((answer) => answer.status === 201)).toHaveLength(10);
    for (const refused of created.filter((answer) => answer.status !== 201)) {
      expect(refused).toMatchObject({ status: 400, body: { err_message: ['A user can have at most 10 webhooks.'] } });
    }
    const listed = await request('GET', '/api/webhooks/', { headers: owner.auth });
    expect(listed.body.results).toHaveLength(10);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    const id = listed.body.results[0].id as string;
    for (const [method, path] of [
      ['GET', `/api/webhooks/${id}/`],
      ['PATCH', `/api/webhooks/${id}/`],
      ['DELETE', `/api/webhooks/${id}/`],
      ['POST', `/api/webhooks/${id}/ping/`],
      ['POST', `/api/webhooks/${id}/rotate_secret/`],
      ['GET', `/api/webhooks/${id}/deliveries/`],
    ] as const) {
      const answer = await request(method, path, { headers: stranger.auth, ...(method === 'PATCH' ? { body: { active: false } } : {}) });
      expect(answer.status).toBe(404);
    }
    expect((await request('DELETE', `/api/webhooks/${id}/`, { headers: owner.auth })).status).toBe(204);
    expect((await request('POST', '/api/webhooks/', { headers: owner.auth, body: { url: target.url, events: ['*'] } })).status).toBe(201);
  });

  it.each([
    ['https://10.0.0.7/hook', 'URLs pointing to a private address (10.0.0.0/8) are not allowed.'],
    ['https://192.168.1.1/hook', 'URLs pointing to a private address (192.168.0.0/16) are not allowed.'],
    ['https://169.254.169.254/latest/meta-data/', 'URLs pointing to the cloud metadata address (169.254.169.254) are not allowed.'],
    ['https://[fd00:ec2::254]/', 'URLs pointing to the cloud metadata address (fd00:ec2::254) are not allowed.'],
    // Plain http only to this machine.
    ['http://example.com/hook', 'Only https URLs are allowed.'],
    ['ftp://example.com/hook', 'Only https URLs are allowed.'],
    ['https://user:secret@example.com/hook', 'URLs with a username or password are not allowed.'],
    ['not a url', 'Enter a valid URL.'],
  ])('refuses to subscribe %s', async (url, message) => {
    const owner = await person('whrefused');
    const answer = await request('POST', '/api/webhooks/', { headers: owner.auth, body: { url, events: ['*'] } });
    expect(answer.status).toBe(400);
    expect(answer.body.url).toEqual([message]);
  });
});

describe('webhooks on the real retry schedule', () => {
  it('redelivers a pending delivery now, not at its next retry', async () => {
    // 5 s after the first failure, then 5 min after the second.
    const own = await startLocalServer({ BCRYPT_ROUNDS: '4', WEBHOOK_RETRY_SCALE: '1' });
    const ownRequest = httpClient(() => own.url);
    try {
      const owner = await httpUser(ownRequest, uniqueUser('whpending'));
      const target = await openReceiver((_, index) => ({ status: index < 2 ? 503 : 200 }));
      const created = await ownRequest('POST', '/api/webhooks/', { headers: owner.auth, body: { url: target.url, events: ['*'] } });
      expect((await ownRequest('POST', `/api/webhooks/${created.body.id}/ping/`, { headers: owner.auth })).status).toBe(202);
      const readLog = async () =>
        (await ownRequest('GET', `/api/webhooks/${created.body.id}/deliveries/`, { headers: owner.auth })).body.results as {
          id: string;
          status: string;
          attempts: number;
        }[];
      const [pending] = await until('two failed attempts', readLog, (log) => log[0]?.attempts === 2);
      expect(pending).toMatchObject({ status: 'pending', attempts: 2 });
      const again = await ownRequest('POST', `/api/webhooks/${created.body.id}/deliveries/${pending!.id}/redeliver/`, {
        headers: owner.auth,
      });
      expect(again.status).toBe(202);
      await until(
        'the redelivery, long before the retry due in 5 minutes',
        () => target.received.length,
        (count) => count >= 3,
      );
      const [delivered] = await until('the log', readLog, (log) => log[0]?.status === 'delivered');
      expect(delivered).toMatchObject({ attempts: 3 });
      expect(new Set(target.received.map((got) => got.headers['webhook-id'])).size).toBe(1);
    } finally {
      await own.stop();
    }
  });
});

describe('webhooks across a restart of npm start', () => {
  it('keeps a pending delivery in DATA_DIR and delivers it after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'calendar-webhooks-'));
    // The real schedule: after a failed first attempt, the next waits 5 s, beyond the stop.
    const start = () =>
      startLocalServer({ BCRYPT_ROUNDS: '4', DATA_DIR: dataDir, DYNAMODB_LOCAL_ACCESS_KEY: '', WEBHOOK_RETRY_SCALE: '1' });
    let own = await start();
    const ownRequest = httpClient(() => own.url);
    try {
      const owner = await httpUser(ownRequest, uniqueUser('whrestart'));
      const target = await openReceiver((_, index) => ({ status: index === 0 ? 503 : 200 }));
      const created = await ownRequest('POST', '/api/webhooks/', { headers: owner.auth, body: { url: target.url, events: ['*'] } });
      expect(created.status).toBe(201);
      const date = freshDate();
      expect((await ownRequest('POST', '/api/user/block_slots/', { headers: owner.auth, body: { date, blocked_slots: [6] } })).status).toBe(
        200,
      );
      await until(
        'the first attempt',
        () => target.received.length,
        (count) => count >= 1,
      );
      expect(await own.stop()).toBe(0);
      own = await start();
      await until(
        'the retry after the restart',
        () => target.received.length,
        (count) => count >= 2,
        30_000,
      );
      expect(target.received[1]?.headers['webhook-id']).toBe(target.received[0]?.headers['webhook-id']);
      const log = await until(
        'the log',
        async () => (await ownRequest('GET', `/api/webhooks/${created.body.id}/deliveries/`, { headers: owner.auth })).body.results,
        (results: { status: string }[]) => results[0]?.status === 'delivered',
      );
      expect(log[0]).toMatchObject({ attempts: 2, last_status_code: 200 });
    } finally {
      await own.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
