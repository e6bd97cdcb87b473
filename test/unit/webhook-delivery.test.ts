/**
 * Webhook delivery (API Part C, "Webhooks") on an in-memory store and queue, a recording
 * receiver and a clock the tests move: the fan-out, each attempt, the retry schedule to
 * `failed`, the Standard Webhooks signatures (verified with the `standardwebhooks`
 * package), and the deactivation of a subscription whose deliveries fail for 5 days.
 */
import { Webhook as Verifier, WebhookVerificationError } from 'standardwebhooks';
import { type DomainEvent, type Publication, publicationOf } from '../../functions/domain/events';
import type { Meeting } from '../../functions/domain/model';
import type { PublicUser } from '../../functions/domain/users';
import {
  type Delivery,
  type DeliveryQueue,
  type DeliveryTask,
  deliveryIdOf,
  pingWebhook,
  RETRY_SCHEDULE_MS,
  rotateSecret,
  secretOf,
  type Webhook,
} from '../../functions/domain/webhooks';
import { attemptDelivery, type DeliveryDeps, fanOut, type SendOutcome } from '../../functions/integrations/webhook-delivery';
import { readImage } from '../../functions/store/change-images';
import { toMeetingItem } from '../../functions/store/items/meeting';
import { MemoryWebhookStore, plainBox } from './webhook-fakes';

const START = Date.parse('2030-06-01T08:00:00.000Z');
const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;
const DAY = 24 * HOUR;
const secretA = secretOf(new Uint8Array(24).fill(1));
const secretB = secretOf(new Uint8Array(24).fill(2));

/** One POST the receiver got. */
interface Sent {
  url: string;
  body: string;
  headers: Record<string, string>;
  at: number;
}

/**
 * The store, a queue that keeps each task with the time it is due, a receiver that
 * records every POST and answers as `answer` says, and a clock that only tests move.
 */
function world(retryScale?: number) {
  const clock = { now: START };
  const webhooks = new MemoryWebhookStore();
  const waiting: { task: DeliveryTask; delayMs: number; due: number }[] = [];
  /** Every hand-over, in order (those already run too). */
  const handed: { task: DeliveryTask; delayMs: number }[] = [];
  const queue: DeliveryQueue = {
    async enqueue(task, delayMs) {
      handed.push({ task, delayMs });
      waiting.push({ task, delayMs, due: clock.now + delayMs });
    },
  };
  const sent: Sent[] = [];
  const receiver = { answer: async (_sent: Sent): Promise<SendOutcome> => ({ ok: true, status: 200 }) };
  const deps: DeliveryDeps = {
    webhooks,
    secrets: plainBox,
    queue,
    send: async (url, body, headers) => {
      const got = { url, body, headers, at: clock.now };
      sent.push(got);
      return receiver.answer(got);
    },
    retryScale,
    now: () => new Date(clock.now),
  };

  /** Runs the task due first, the clock moved to its time. */
  async function runNext(): Promise<Delivery | undefined> {
    waiting.sort((a, b) => a.due - b.due);
    const next = waiting.shift();
    if (!next) throw new Error('no task is waiting');
    clock.now = Math.max(clock.now, next.due);
    return attemptDelivery(next.task, deps);
  }
  /** Runs tasks, each at its time, until none waits. */
  async function drain() {
    while (waiting.length > 0) await runNext();
  }

  /** Fans out a publication to its one subscription and runs that delivery's first attempt at once. */
  async function attemptNow(publication: Publication): Promise<Delivery | undefined> {
    await fanOut(publication, deps);
    const first = waiting.pop();
    if (!first) throw new Error('no delivery was made');
    return attemptDelivery(first.task, deps);
  }

  /** What the webhook use cases get for a request of `ownerId`, now. */
  const asOwner = (ownerId: string) => ({
    box: plainBox,
    webhooks,
    queue,
    caller: { id: ownerId },
    policy: { allowHttp: false, allowLoopback: false },
    now: new Date(clock.now),
  });

  let count = 0;
  /** Stores a subscription of `ownerId` (active, every type unless told). */
  async function subscribe(ownerId: string, change: Partial<Webhook> = {}): Promise<Webhook> {
    const stamp = new Date(clock.now).toISOString();
    const hook: Webhook = {
      id: `01J0HK${String(++count).padStart(20, '0')}`,
      ownerId,
      url: `https://${ownerId}.example.com/hook/${count}`,
      events: ['*'],
      description: '',
      active: true,
      created: stamp,
      modified: stamp,
      secret: secretA,
      ...change,
    };
    await webhooks.create(hook, 10);
    return hook;
  }
  const deliveryOf = (hook: Webhook, event: DomainEvent) =>
    webhooks.getDelivery(hook.ownerId, hook.id, deliveryIdOf(hook.id, event.id, new Date(event.timestamp)));

  return { clock, webhooks, handed, sent, receiver, deps, runNext, drain, attemptNow, subscribe, deliveryOf, asOwner };
}

const person = (name: string): PublicUser => ({ id: name, username: name, email: `${name}@example.com` });
const [ann, bob] = ['ann', 'bob'].map(person) as [PublicUser, PublicUser];

/** A `meeting.booked` publication, mapped from a stored meeting as the publisher maps it. */
function booked(participants: PublicUser[], at: number, id = 'MEET1'): Publication & { event: DomainEvent } {
  const stamp = new Date(at).toISOString();
  const meeting: Meeting = {
    id: `01J0${id.padEnd(22, '0')}`,
    title: 'Planning',
    description: '',
    slot: { date: '2030-07-01', hour: 10 },
    status: 'active',
    organiser: participants[0]!,
    participants,
    version: 1,
    created: stamp,
    modified: stamp,
  };
  const publication = publicationOf({ eventName: 'INSERT', sequenceNumber: '1', newImage: toMeetingItem(meeting, 'w1') }, readImage);
  if (!publication) throw new Error('no event');
  return publication;
}

/** An `availability.changed` publication of `owner`'s blocks. */
function blocked(owner: PublicUser, at: number, version = 1): Publication {
  const event: DomainEvent = {
    id: `${owner.id}:2030-07-01:${version}`,
    type: 'availability.changed',
    timestamp: new Date(at).toISOString(),
    version: '1',
    data: { user: owner, date: '2030-07-01', blocked_slots: [9] },
  };
  return { event, audience: [owner.id] };
}

/** The event `sent` carries, verified with `secret` as a receiver would at the time it got it. */
function verified(secret: string, sent: Sent): unknown {
  const clock = jest.spyOn(Date, 'now').mockReturnValue(sent.at);
  try {
    return new Verifier(secret).verify(sent.body, sent.headers);
  } finally {
    clock.mockRestore();
  }
}

const failing = async (): Promise<SendOutcome> => ({ ok: false, status: 500 });

describe('fanOut', () => {
  it('makes one pending delivery per subscription that receives the event, and hands over its first attempt now', async () => {
    const { webhooks, handed, deps, subscribe, deliveryOf } = world();
    const annAll = await subscribe('ann');
    const annBooked = await subscribe('ann', { events: ['meeting.booked', 'meeting.cancelled'] });
    const annBlocks = await subscribe('ann', { events: ['availability.changed'] });
    const annInactive = await subscribe('ann', { active: false });
    const bobAll = await subscribe('bob');
    const catAll = await subscribe('cat');
    const publication = booked([ann, bob], START - HOUR);

    expect(await fanOut(publication, deps)).toBe(3);

    for (const hook of [annAll, annBooked, bobAll]) {
      const delivery = await deliveryOf(hook, publication.event);
      expect(delivery).toEqual({
        id: deliveryIdOf(hook.id, publication.event.id, new Date(publication.event.timestamp)),
        webhookId: hook.id,
        ownerId: hook.ownerId,
        eventId: publication.event.id,
        eventType: 'meeting.booked',
        payload: JSON.stringify(publication.event),
        status: 'pending',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        nextAttemptAt: new Date(START).toISOString(),
        created: new Date(START).toISOString(),
      });
      expect(handed).toContainEqual({
        task: { ownerId: hook.ownerId, webhookId: hook.id, deliveryId: delivery!.id, attempt: 1 },
        delayMs: 0,
      });
    }
    for (const hook of [annBlocks, annInactive, catAll]) expect(await deliveryOf(hook, publication.event)).toBeUndefined();
    expect(webhooks.logged.size).toBe(3);
    expect(handed).toHaveLength(3);
  });

  it('makes nothing for an event no subscription receives', async () => {
    const { webhooks, handed, deps, subscribe } = world();
    await subscribe('ann', { events: ['meeting.cancelled'] });
    await subscribe('cat');
    expect(await fanOut(booked([ann, bob], START), deps)).toBe(0);
    expect(await fanOut(blocked(bob, START), deps)).toBe(0);
    expect(webhooks.logged.size).toBe(0);
    expect(handed).toEqual([]);
  });

  it('makes an event fanned out again the same delivery: no second one, its pending attempt handed over again', async () => {
    const { clock, webhooks, handed, sent, receiver, deps, runNext, subscribe, deliveryOf } = world();
    const hook = await subscribe('ann');
    const publication = blocked(ann, START);
    await fanOut(publication, deps);
    clock.now += HOUR;
    expect(await fanOut(publication, deps)).toBe(1);
    expect(webhooks.logged.size).toBe(1);
    const delivery = await deliveryOf(hook, publication.event);
    expect(delivery?.created).toBe(new Date(START).toISOString());
    expect(handed.map(({ task, delayMs }) => [task.deliveryId, task.attempt, delayMs])).toEqual([
      [delivery!.id, 1, 0],
      [delivery!.id, 1, 0],
    ]);

    // The task handed over twice is one attempt.
    receiver.answer = failing;
    await runNext();
    await runNext();
    expect(sent).toHaveLength(1);

    // Pending after a failed attempt: the next one is handed over again, now.
    await fanOut(publication, deps);
    expect(handed.at(-1)).toEqual({ task: { ownerId: 'ann', webhookId: hook.id, deliveryId: delivery!.id, attempt: 2 }, delayMs: 0 });
  });

  it('hands over nothing again for an event whose delivery is done', async () => {
    const { handed, sent, deps, drain, subscribe } = world();
    await subscribe('ann');
    const publication = blocked(ann, START);
    await fanOut(publication, deps);
    await drain();
    await fanOut(publication, deps);
    await drain();
    expect(handed).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });
});

describe('attemptDelivery', () => {
  it('delivers on a 2xx: POSTs the event to the url, logs it delivered and schedules nothing more', async () => {
    const { clock, handed, sent, receiver, deps, runNext, subscribe, deliveryOf } = world();
    const hook = await subscribe('ann');
    const publication = blocked(ann, START);
    await fanOut(publication, deps);
    clock.now += SECOND;
    receiver.answer = async () => ({ ok: true, status: 204 });

    const outcome = await runNext();

    expect(sent).toEqual([{ url: hook.url, body: JSON.stringify(publication.event), headers: expect.any(Object), at: START + SECOND }]);
    expect(sent[0]?.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': outcome?.id });
    const expected = { status: 'delivered', attempts: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null };
    expect(outcome).toMatchObject(expected);
    expect(await deliveryOf(hook, publication.event)).toEqual(outcome);
    expect(handed).toHaveLength(1);
  });

  it('signs with the current secret: the headers verify with standardwebhooks', async () => {
    const { clock, sent, deps, runNext, subscribe } = world();
    await subscribe('ann');
    const publication = blocked(ann, START);
    await fanOut(publication, deps);
    clock.now += 1500;
    const delivery = await runNext();

    const [got] = sent as [Sent];
    expect(got.headers['webhook-id']).toBe(delivery?.id);
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor((START + 1500) / SECOND)));
    expect(got.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(verified(secretA, got)).toEqual(publication.event);
    expect(() => verified(secretB, got)).toThrow(WebhookVerificationError);
    expect(() => verified(secretA, { ...got, body: got.body.replace('2030', '2031') })).toThrow(WebhookVerificationError);
  });

  it('signs with the previous secret too for 24 hours after a rotation, and not after', async () => {
    const { clock, sent, deps, drain, subscribe, asOwner } = world();
    const hook = await subscribe('ann');
    await rotateSecret(hook.id, { ...asOwner('ann'), secret: secretB });

    clock.now = START + DAY - 1;
    await fanOut(blocked(ann, clock.now, 1), deps);
    await drain();
    clock.now = START + DAY;
    await fanOut(blocked(ann, clock.now, 2), deps);
    await drain();

    const [within, after] = sent as [Sent, Sent];
    expect(within.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verified(secretB, within)).toMatchObject({ id: 'ann:2030-07-01:1' });
    expect(verified(secretA, within)).toMatchObject({ id: 'ann:2030-07-01:1' });
    expect(after.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(verified(secretB, after)).toMatchObject({ id: 'ann:2030-07-01:2' });
    expect(() => verified(secretA, after)).toThrow(WebhookVerificationError);
  });

  it('skips a stale task: an attempt made already, or one that is not the next', async () => {
    const { webhooks, sent, deps, subscribe, deliveryOf } = world();
    const hook = await subscribe('ann');
    const publication = blocked(ann, START);
    await fanOut(publication, deps);
    const delivery = (await deliveryOf(hook, publication.event))!;
    const task = (attempt: number): DeliveryTask => ({ ownerId: 'ann', webhookId: hook.id, deliveryId: delivery.id, attempt });

    expect(await attemptDelivery(task(3), deps)).toEqual(delivery);
    expect(sent).toHaveLength(0);
    await attemptDelivery(task(1), deps);
    const done = await deliveryOf(hook, publication.event);
    expect(await attemptDelivery(task(1), deps)).toEqual(done);
    expect(await attemptDelivery(task(2), deps)).toEqual(done);
    expect(sent).toHaveLength(1);
    expect(await webhooks.getDelivery('ann', hook.id, delivery.id)).toEqual(done);
  });

  it('does nothing for a delivery that is gone', async () => {
    const { sent, deps, subscribe } = world();
    const hook = await subscribe('ann');
    expect(await attemptDelivery({ ownerId: 'ann', webhookId: hook.id, deliveryId: 'GONE', attempt: 1 }, deps)).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('fails a delivery whose subscription was deleted, sending nothing and scheduling no retry', async () => {
    const { webhooks, handed, sent, deps, runNext, subscribe } = world();
    const hook = await subscribe('ann');
    await fanOut(blocked(ann, START), deps);
    await webhooks.delete('ann', hook.id);

    const outcome = await runNext();

    expect(outcome).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'the subscription was deleted',
      nextAttemptAt: null,
    });
    expect(sent).toEqual([]);
    expect(handed).toHaveLength(1);
  });

  it('fails a delivery to an inactive subscription, sending nothing and scheduling no retry', async () => {
    const { webhooks, handed, sent, deps, runNext, subscribe } = world();
    const hook = await subscribe('ann');
    await fanOut(blocked(ann, START), deps);
    await webhooks.put({ ...hook, active: false });

    const outcome = await runNext();

    expect(outcome).toMatchObject({ status: 'failed', attempts: 1, lastError: 'the subscription is not active', nextAttemptAt: null });
    expect(sent).toEqual([]);
    expect(handed).toHaveLength(1);
  });

  it('still sends a ping to an inactive subscription', async () => {
    const { sent, runNext, subscribe, asOwner } = world();
    const hook = await subscribe('ann', { active: false });
    await pingWebhook(hook.id, asOwner('ann'));

    const outcome = await runNext();

    expect(outcome).toMatchObject({ status: 'delivered', eventType: 'webhook.ping', attempts: 1, lastStatusCode: 200 });
    expect(verified(secretA, sent[0]!)).toMatchObject({ type: 'webhook.ping', data: { webhook: { id: hook.id, active: false } } });
  });

  it('keeps a failed attempt pending and hands over the next one after the scaled delay', async () => {
    const { handed, receiver, deps, runNext, subscribe } = world(0.001);
    await subscribe('ann');
    await fanOut(blocked(ann, START), deps);
    receiver.answer = failing;

    const outcome = await runNext();

    expect(outcome).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      lastError: 'the receiver answered 500',
      nextAttemptAt: new Date(START + 5).toISOString(),
    });
    expect(handed.at(-1)).toEqual({
      task: { ownerId: 'ann', webhookId: outcome?.webhookId, deliveryId: outcome?.id, attempt: 2 },
      delayMs: 5,
    });
  });

  it("logs a receiver's failure without a status as its error", async () => {
    const { receiver, deps, runNext, subscribe } = world();
    await subscribe('ann');
    await fanOut(blocked(ann, START), deps);
    receiver.answer = async () => ({ ok: false, error: 'no answer within 10 s' });
    expect(await runNext()).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: 'no answer within 10 s' });
  });

  it.each([
    ['unscaled', undefined, [...RETRY_SCHEDULE_MS]],
    ['scaled by 0.001', 0.001, [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]],
  ])('retries on the schedule (%s) and marks the 8th failure failed, with no further attempt', async (_scale, scale, delays) => {
    const { handed, sent, receiver, deps, drain, subscribe, deliveryOf } = world(scale);
    const hook = await subscribe('ann');
    const publication = blocked(ann, START);
    await fanOut(publication, deps);
    receiver.answer = failing;

    await drain();

    expect(sent).toHaveLength(8);
    expect(sent.slice(1).map((got, index) => got.at - sent[index]!.at)).toEqual(delays);
    expect(handed.map(({ task, delayMs }) => [task.attempt, delayMs])).toEqual([
      [1, 0],
      ...delays.map((delay, index) => [index + 2, delay]),
    ]);
    expect(new Set(sent.map((got) => got.headers['webhook-id'])).size).toBe(1);
    expect(await deliveryOf(hook, publication.event)).toMatchObject({
      status: 'failed',
      attempts: 8,
      lastStatusCode: 500,
      lastError: 'the receiver answered 500',
      nextAttemptAt: null,
    });
  });

  it('delivers on a later attempt under the same webhook-id', async () => {
    const { sent, receiver, deps, drain, subscribe, deliveryOf } = world(0.001);
    const hook = await subscribe('ann');
    const publication = blocked(ann, START);
    await fanOut(publication, deps);
    receiver.answer = async () => (sent.length < 3 ? { ok: false, status: 503 } : { ok: true, status: 200 });

    await drain();

    expect(sent).toHaveLength(3);
    expect(sent.map((got) => got.headers['webhook-id'])).toEqual(Array(3).fill(sent[0]?.headers['webhook-id']));
    for (const got of sent) expect(verified(secretA, got)).toEqual(publication.event);
    expect(await deliveryOf(hook, publication.event)).toMatchObject({
      status: 'delivered',
      attempts: 3,
      lastStatusCode: 200,
      lastError: null,
    });
  });

  it('lets only one of two concurrent runs of an attempt log it and schedule the next', async () => {
    const { handed, sent, receiver, deps, subscribe, deliveryOf } = world();
    const hook = await subscribe('ann');
    const publication = blocked(ann, START);
    await fanOut(publication, deps);
    let release = () => {};
    const bothSending = new Promise<void>((resolve) => (release = resolve));
    receiver.answer = async () => {
      if (sent.length === 2) release();
      await bothSending;
      return { ok: false, status: 500 };
    };
    const task = handed[0]!.task;

    const outcomes = await Promise.all([attemptDelivery(task, deps), attemptDelivery(task, deps)]);

    expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
    expect(await deliveryOf(hook, publication.event)).toMatchObject({ attempts: 1, status: 'pending' });
    expect(handed.map(({ task: { attempt } }) => attempt)).toEqual([1, 2]);
  });
});

describe('subscription health', () => {
  it('remembers since when deliveries fail, and forgets it when one is delivered', async () => {
    const { clock, webhooks, receiver, attemptNow, subscribe } = world();
    const hook = await subscribe('ann');
    const health = async () => (await webhooks.get('ann', hook.id))?.failingSince;
    receiver.answer = failing;
    await attemptNow(blocked(ann, START, 1));
    expect(await health()).toBe(new Date(START).toISOString());

    clock.now = START + HOUR;
    await attemptNow(blocked(ann, clock.now, 2));
    expect(await health()).toBe(new Date(START).toISOString());

    receiver.answer = async () => ({ ok: true, status: 200 });
    await attemptNow(blocked(ann, clock.now, 3));
    expect(await health()).toBeUndefined();
    expect(await webhooks.get('ann', hook.id)).toMatchObject({ active: true, secret: secretA, url: hook.url });
  });

  it('does not count pings', async () => {
    const { webhooks, receiver, runNext, subscribe, asOwner } = world();
    const hook = await subscribe('ann');
    receiver.answer = failing;
    await pingWebhook(hook.id, asOwner('ann'));
    expect(await runNext()).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await webhooks.get('ann', hook.id)).toEqual(hook);
  });

  it('deactivates a subscription whose every delivery failed for 5 days, and delivers nothing to it after', async () => {
    const { clock, webhooks, sent, receiver, deps, runNext, drain, subscribe, deliveryOf } = world();
    const hook = await subscribe('ann');
    const state = async () => (await webhooks.get('ann', hook.id))!;
    receiver.answer = failing;
    // Deliveries that fail on every attempt, over the first days.
    for (const day of [0, 2]) {
      clock.now = START + day * DAY;
      await fanOut(blocked(ann, clock.now, day + 1), deps);
      await drain();
    }
    expect(await state()).toMatchObject({ active: true, failingSince: new Date(START).toISOString() });

    // Its first attempt fails just before 5 days: still active; its retry, 5 s later, after them.
    clock.now = START + 5 * DAY - 1;
    const last = blocked(ann, clock.now, 9);
    await fanOut(last, deps);
    await runNext();
    expect((await state()).active).toBe(true);
    await runNext();
    expect(await state()).toMatchObject({ active: false, modified: new Date(START + 5 * DAY - 1 + 5 * SECOND).toISOString() });

    // The rest of that delivery's schedule ends it without sending; new events make none.
    const posts = sent.length;
    await drain();
    expect(sent).toHaveLength(posts);
    expect(await deliveryOf(hook, last.event)).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'the subscription is not active',
    });
    expect(await fanOut(blocked(ann, clock.now, 10), deps)).toBe(0);
  });

  it('counts the 5 days again from the first failure after a delivered one', async () => {
    const { clock, webhooks, receiver, attemptNow, subscribe } = world();
    const hook = await subscribe('ann');
    const attemptAt = async (at: number, version: number, outcome: SendOutcome) => {
      clock.now = at;
      receiver.answer = async () => outcome;
      await attemptNow(blocked(ann, at, version));
    };
    await attemptAt(START, 1, { ok: false, status: 500 });
    await attemptAt(START + 3 * DAY, 2, { ok: true, status: 200 });
    await attemptAt(START + 4 * DAY, 3, { ok: false, status: 500 });
    await attemptAt(START + 6 * DAY, 4, { ok: false, status: 500 });
    expect(await webhooks.get('ann', hook.id)).toMatchObject({ active: true, failingSince: new Date(START + 4 * DAY).toISOString() });
  });

  // Known defect (reported, not fixed here): the health bookkeeping writes back the whole
  // subscription as it was read before the POST (up to 10 s earlier), so a change the
  // owner made meanwhile (here a secret rotation) is lost. Drop `.failing` once fixed.
  it('keeps a change the owner made while an attempt was in flight', async () => {
    const { webhooks, receiver, deps, runNext, subscribe, asOwner } = world();
    const hook = await subscribe('ann');
    await fanOut(blocked(ann, START), deps);
    receiver.answer = async () => {
      await rotateSecret(hook.id, { ...asOwner('ann'), secret: secretB });
      return { ok: false, status: 500 };
    };
    await runNext();
    expect(await webhooks.get('ann', hook.id)).toMatchObject({ secret: secretB, failingSince: new Date(START).toISOString() });
  });
});
