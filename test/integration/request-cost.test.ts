/**
 * The benchmark's cost accounting (`local/dynamodb-metrics.ts`, attached by the local
 * server under DYNAMODB_METRICS=1): each request's DynamoDB calls, and how many of them it
 * waited for one after another (calls issued together share a step).
 */
import { storageTally, withDeadline } from '../../functions/domain/deadline';
import { DeadlineExceeded } from '../../functions/domain/errors';
import { type CallMetrics, recordCallMetrics, requestMetrics } from '../../local/dynamodb-metrics';
import { services } from '../../functions/services';
import { createMeetingCounts } from '../../functions/store';
import { call, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, unpinClock } from '../support/clock';
import { storedMeeting } from '../support/meetings';
import { isCall } from '../support/store-faults';

const { dynamoDb, config } = services();
recordCallMetrics(dynamoDb);

async function measured(run: () => Promise<unknown>): Promise<CallMetrics> {
  const metrics: CallMetrics = { calls: 0, depth: 0, readUnits: 0, writeUnits: 0 };
  await requestMetrics.run(metrics, run);
  return metrics;
}

/** Today at 10:30 UTC (the service's zone in tests): a default listing counts the rest of the day from the index. */
const halfPastTen = () => Math.floor(Date.now() / 86_400_000) * 86_400_000 + 10.5 * 3_600_000;

const read = (pk: string) => dynamoDb.send('GetItem', { TableName: config.tableName, Key: { pk, sk: 'nothing' } });

describe('the cost of a request', () => {
  it("tallies a request's calls and the time they took, for its access log", async () => {
    const tally = await withDeadline(Date.now() + 5_000, async () => {
      await read('a');
      await Promise.all([read('b'), read('c')]);
      return storageTally();
    });
    expect(tally).toEqual({ calls: 3, ms: expect.any(Number) });
    expect(storageTally()).toBeUndefined();
  });

  it('tallies a call the deadline gave up on when it gives up, not when the engine answers later', async () => {
    const unstall = dynamoDb.use(async (call, next) => {
      if (isCall(call, 'GetItem') && call.input.Key?.pk === 'stalled') await new Promise((resolve) => setTimeout(resolve, 400));
      return next(call);
    });
    try {
      const outcome = await withDeadline(Date.now() + 100, async () => {
        const error = await read('stalled').catch((caught: unknown) => caught);
        return { error, tally: { ...storageTally()! } };
      });
      expect(outcome.error).toBeInstanceOf(DeadlineExceeded);
      expect(outcome.tally.calls).toBe(1);
      expect(outcome.tally.ms).toBeGreaterThanOrEqual(90);
    } finally {
      unstall();
    }
  });

  it('counts calls made one after another as as many steps', async () => {
    expect(
      await measured(async () => {
        await read('a');
        await read('b');
      }),
    ).toMatchObject({ calls: 2, depth: 2 });
  });

  it('counts calls made together as one step', async () => {
    expect(await measured(() => Promise.all([read('a'), read('b'), read('c')]))).toMatchObject({ calls: 3, depth: 1 });
  });

  it('counts a call after the first of two parallel calls answered as the next step, whenever the other answers', async () => {
    expect(
      await measured(() =>
        Promise.all([read('slow').then(() => new Promise((resolve) => setTimeout(resolve, 50))), read('a').then(() => read('b'))]),
      ),
    ).toMatchObject({ calls: 3, depth: 2 });
  });

  const nextYear = new Date().getUTCFullYear() + 1;
  const book = (who: LoggedIn, hour: number, guests: LoggedIn[] = []) =>
    call('POST', '/api/event/', {
      headers: who.auth,
      body: {
        title: 'M',
        time_slot: `${nextYear}-05-04 ${String(hour).padStart(2, '0')}:00:00`,
        participants: guests.map((guest) => guest.user.email),
      },
    });

  it('lists a page in two steps once the caller is known and the counter has caught up: the caller beside the index page and the count, then the meetings', async () => {
    const me = await signedInUser('cost');
    const booked = await book(me, 10);
    expect(booked.status).toBe(201);
    // The counter has caught up with it, as it soon does from the table's stream.
    await createMeetingCounts(dynamoDb, config.tableName).recount({ pk: `MEETING#${booked.body.response.id}`, sk: 'MEETING' });
    // Half past ten: the count reads the rest of today too.
    pinClock(halfPastTen());
    // The first request of a caller in a container learns who the credentials name.
    const first = await measured(() => call('GET', '/api/event/', { headers: me.auth }));
    expect(first).toMatchObject({ calls: 6, depth: 3 });
    let status = 0;
    const figures = await measured(async () => {
      status = (await call('GET', '/api/event/', { headers: me.auth })).status;
    });
    unpinClock();
    expect(status).toBe(200);
    // The caller, the index page and the count's three small reads, then the meetings.
    expect(figures).toMatchObject({ calls: 6, depth: 2, writeUnits: 0 });
  });

  it('lists with one call more while the counter is behind: what it has not moved is read again with its counters, in one snapshot beside the meetings', async () => {
    const me = await signedInUser('cost');
    expect((await book(me, 12)).status).toBe(201);
    pinClock(halfPastTen());
    try {
      await call('GET', '/api/event/', { headers: me.auth });
      const figures = await measured(() => call('GET', '/api/event/', { headers: me.auth }));
      // The snapshot follows the count's reads as the meetings' read follows the page's:
      // two chains side by side (counted as three steps when one chain's second call starts
      // after the other's has answered).
      expect(figures.calls).toBe(7);
      expect(figures.depth).toBeLessThanOrEqual(3);
    } finally {
      unpinClock();
    }
  });

  it("keeps a booking's counters for a read and a transaction per person, beside the booking", async () => {
    const counts = createMeetingCounts(dynamoDb, config.tableName);
    const [me, ...guests] = await Promise.all([signedInUser('upkeep'), signedInUser('upkeep'), signedInUser('upkeep')]);
    const booked = await book(me, 14, guests);
    expect(booked.status).toBe(201);
    const id = booked.body.response.id as string;
    const entries = [
      { pk: `MEETING#${id}`, sk: 'MEETING' },
      ...guests.map((guest) => ({ pk: `MEETING#${id}`, sk: `MEMBER#${guest.user.id}` })),
    ];
    const upkeep = await measured(() => Promise.all(entries.map((key) => counts.recount(key))));
    // Each entry: a consistent read, then one transaction (its counter month and itself).
    expect(upkeep).toMatchObject({ calls: 6, readUnits: 3, writeUnits: 12 });
    // Caught up, a recount reads and stops.
    expect(await measured(() => Promise.all(entries.map((key) => counts.recount(key))))).toMatchObject({ calls: 3, writeUnits: 0 });
  });

  it('lists a page of 400 meetings for the read units of a page of 12, once the counters have caught up', async () => {
    const counts = createMeetingCounts(dynamoDb, config.tableName);
    const measure = async (meetings: number) => {
      const me = await signedInUser('flat');
      const ids: string[] = [];
      for (let start = 0; start < meetings; start += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, meetings - start) }, async (_, offset) => {
            const index = start + offset;
            const date = `${nextYear + 1}-${String(1 + Math.floor(index / 24 / 28)).padStart(2, '0')}-${String(1 + (Math.floor(index / 24) % 28)).padStart(2, '0')}`;
            ids.push((await storedMeeting(me, date, index % 24, [], 'Flat')).id);
          }),
        );
      }
      for (const id of ids) await counts.recount({ pk: `MEETING#${id}`, sk: 'MEETING' });
      const first = await call('GET', '/api/event/', { headers: me.auth });
      expect(first.body.count).toBe(meetings);
      return measured(() => call('GET', '/api/event/', { headers: me.auth }));
    };
    // Half past ten, all along: both listings count the rest of the same day alike.
    pinClock(halfPastTen());
    try {
      const [few, many] = [await measure(12), await measure(400)];
      expect(many).toEqual(few);
    } finally {
      unpinClock();
    }
  }, 120_000);

  it('books a meeting with known guests in two steps: the caller, then one transaction that also spends the invitation budget', async () => {
    const [me, guest] = await Promise.all([signedInUser('cost'), signedInUser('cost')]);
    expect((await book(me, 9, [guest])).status).toBe(201);
    let status = 0;
    const figures = await measured(async () => {
      status = (await book(me, 11, [guest])).status;
    });
    expect(status).toBe(201);
    expect(figures).toMatchObject({ calls: 2, depth: 2 });
  });

  it('forgets credentials refused once: the next read with them waits for their check and reads nothing else', async () => {
    const me = await signedInUser('cost');
    expect((await call('GET', '/api/event/', { headers: me.auth })).status).toBe(200);
    expect((await call('POST', '/api/user/logout/', { headers: me.auth })).status).toBe(200);
    // Remembered: the page is read beside the check, and the check's 401 decides.
    expect((await call('GET', '/api/event/', { headers: me.auth })).status).toBe(401);
    let status = 0;
    const figures = await measured(async () => {
      status = (await call('GET', '/api/event/', { headers: me.auth })).status;
    });
    expect(status).toBe(401);
    expect(figures).toMatchObject({ calls: 1, depth: 1 });
  });

  it("finds an event's subscriptions with one batched read of its people's counts, then reads only those who subscribe", async () => {
    const people = await Promise.all(Array.from({ length: 10 }, () => signedInUser('fanout')));
    const subscriber = people[3]!;
    const created = await call('POST', '/api/webhooks/', {
      headers: subscriber.auth,
      body: { url: 'http://127.0.0.1:9/hook', events: ['*'] },
    });
    expect(created.status).toBe(201);
    const removed = await call('POST', '/api/webhooks/', {
      headers: people[5]!.auth,
      body: { url: 'http://127.0.0.1:9/gone', events: ['*'] },
    });
    expect((await call('DELETE', `/api/webhooks/${removed.body.id}/`, { headers: people[5]!.auth })).status).toBe(204);
    let found: { id: string; ownerId: string }[] = [];
    const figures = await measured(async () => {
      found = await services().webhooks.ofOwners(people.map((person) => person.user.id));
    });
    expect(found.map((webhook) => [webhook.id, webhook.ownerId])).toEqual([[created.body.id, subscriber.user.id]]);
    expect(figures).toMatchObject({ calls: 2, depth: 2 });
  });

  it("answers a known person's day in one step once the caller is known: the caller beside the day", async () => {
    const [me, other] = await Promise.all([signedInUser('cost'), signedInUser('cost')]);
    const url = `/api/user/get_available_slots/?date=${nextYear}-05-04&user=${other.user.email}`;
    expect((await call('GET', url, { headers: me.auth })).status).toBe(200);
    let status = 0;
    const figures = await measured(async () => {
      status = (await call('GET', url, { headers: me.auth })).status;
    });
    expect(status).toBe(200);
    expect(figures).toMatchObject({ calls: 2, depth: 1 });
  });
});
