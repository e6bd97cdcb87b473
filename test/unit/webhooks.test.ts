/**
 * The webhook use cases (API Part C, "Webhooks") on an in-memory store: validation and its
 * messages, the per-user limit, another user's subscription, secrets and their rotation,
 * the retry schedule, delivery ids, ping, the delivery log and redelivery.
 */
import fc from 'fast-check';
import { Webhook as Verifier } from 'standardwebhooks';
import { decodeTime, isValid } from 'ulid';
import { BusinessRuleViolation, ConcurrentModification, NotFound, ValidationFailed } from '../../functions/domain/errors';
import type { UrlPolicy } from '../../functions/domain/webhook-urls';
import {
  changeWebhook,
  createWebhook,
  type Delivery,
  DELIVERY_LOG_SIZE,
  deliveryIdOf,
  describeWebhook,
  listDeliveries,
  newDelivery,
  nextTask,
  PING_EVENT_TYPE,
  pingWebhook,
  readWebhook,
  redeliver,
  retryDelayMs,
  rotateSecret,
  secretOf,
  signingSecrets,
  type Webhook,
  WebhookLimitReached,
  type WebhookStore,
} from '../../functions/domain/webhooks';
import { expectRejection } from './expect-error';
import { MemoryWebhookStore, plainBox, RecordingQueue } from './webhook-fakes';

const aws: UrlPolicy = { allowHttp: false, allowLoopback: false };
const NOW = new Date('2030-06-01T08:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const secretA = secretOf(new Uint8Array(24).fill(1));
const secretB = secretOf(new Uint8Array(24).fill(2));
const secretC = secretOf(new Uint8Array(24).fill(3));

function setUp() {
  const webhooks = new MemoryWebhookStore();
  const queue = new RecordingQueue();
  const deps = (callerId = 'ann', now = NOW) => ({
    webhooks,
    queue,
    caller: { id: callerId },
    policy: aws,
    now,
    secret: secretA,
    box: plainBox,
  });
  const create = (body: object = {}, callerId = 'ann', now = NOW) =>
    createWebhook({ url: 'https://hooks.example.com/in', events: ['*'], ...body }, deps(callerId, now));
  return { webhooks, queue, deps, create };
}

/** The `.fields` of the ValidationFailed that `promise` rejects with. */
async function refusedFields(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ValidationFailed);
  return (error as ValidationFailed).fields;
}

const event = (id: string, timestamp: string) => ({ id, type: 'meeting.booked', timestamp });

describe('creating a webhook', () => {
  it('stores and answers the subscription: normalised url, its events once each, a trimmed description, active, its secret', async () => {
    const { webhooks, deps } = setUp();
    const body = {
      url: ' https://Hooks.Example.com/in ',
      events: ['meeting.booked', 'meeting.cancelled', 'meeting.booked'],
      description: '  CRM sync\nline two  ',
    };
    const created = await createWebhook(body, deps());
    expect(created).toEqual({
      id: expect.any(String),
      ownerId: 'ann',
      url: 'https://hooks.example.com/in',
      events: ['meeting.booked', 'meeting.cancelled'],
      description: 'CRM sync\nline two',
      active: true,
      created: NOW.toISOString(),
      modified: NOW.toISOString(),
      secret: secretA,
    });
    expect(isValid(created.id)).toBe(true);
    expect(await webhooks.list('ann')).toEqual([created]);
  });

  it('takes "*", and no description, or null, as an empty one', async () => {
    const { create } = setUp();
    expect(await create({ events: ['*'] })).toMatchObject({ events: ['*'], description: '' });
    expect(await create({ description: null })).toMatchObject({ description: '' });
  });

  it('gives every subscription its own id', async () => {
    const { create } = setUp();
    const ids = new Set();
    for (let count = 0; count < 10; count++) ids.add((await create()).id);
    expect(ids.size).toBe(10);
  });

  it.each<[string, object, Record<string, string[]>]>([
    ['no events', { events: undefined }, { events: ['This field is required.'] }],
    ['null events', { events: null }, { events: ['This field may not be null.'] }],
    ['events that are no list', { events: 'meeting.booked' }, { events: ['Expected a list of items.'] }],
    ['an empty list of events', { events: [] }, { events: ['This list may not be empty.'] }],
    ['an event that is no string', { events: [7] }, { events: ['Not a valid string.'] }],
    [
      'unknown event types, each named',
      { events: ['meeting.booked', 'meeting.deleted', 'webhook.ping'] },
      { events: ['"meeting.deleted" is not a valid event type.', '"webhook.ping" is not a valid event type.'] },
    ],
    ['more than 8 events', { events: Array<string>(9).fill('*') }, { events: ['Ensure this field has no more than 8 elements.'] }],
    ['a description that is no string', { description: 12 }, { description: ['Not a valid string.'] }],
    [
      'a description over 500 characters',
      { description: 'x'.repeat(501) },
      { description: ['Ensure this field has no more than 500 characters.'] },
    ],
    [
      'a description with a control character',
      { description: 'a\u0007b' },
      { description: ['This field may not contain control or bidirectional formatting characters.'] },
    ],
    ['an undefined url', { url: undefined }, { url: ['This field is required.'] }],
    ['a null url', { url: null }, { url: ['This field may not be null.'] }],
    ['a blank url', { url: '  ' }, { url: ['This field may not be blank.'] }],
    ['a url that is no string', { url: 42 }, { url: ['Enter a valid URL.'] }],
    ['an http url where only https is allowed', { url: 'http://hooks.example.com/in' }, { url: ['Only https URLs are allowed.'] }],
    [
      'a url to the cloud metadata address',
      { url: 'https://169.254.169.254/latest' },
      { url: ['URLs pointing to the cloud metadata address (169.254.169.254) are not allowed.'] },
    ],
    [
      'a url to a private address',
      { url: 'https://10.1.2.3/' },
      { url: ['URLs pointing to a private address (10.0.0.0/8) are not allowed.'] },
    ],
    ['a url to localhost', { url: 'https://localhost/' }, { url: ['URLs pointing to localhost are not allowed.'] }],
  ])('refuses %s with the field message, storing nothing', async (_case, change, fields) => {
    const { webhooks, create } = setUp();
    expect(await refusedFields(create(change))).toEqual(fields);
    expect(webhooks.hooks.size).toBe(0);
  });

  it('names every bad field of the body at once', async () => {
    const { create } = setUp();
    expect(await refusedFields(create({ events: [], description: 5 }))).toEqual({
      events: ['This list may not be empty.'],
      description: ['Not a valid string.'],
    });
  });

  // Known defect (reported, not fixed here): `url: z.unknown()` in the body's schema makes
  // zod answer its own "Invalid input" for a missing url before checkWebhookUrl can answer
  // the contract's "This field is required.". Drop `.failing` once that is fixed.
  it('refuses a body without url with "This field is required."', async () => {
    const { deps } = setUp();
    expect(await refusedFields(createWebhook({ events: ['*'] }, deps()))).toEqual({ url: ['This field is required.'] });
  });

  it('names every bad field at once, the url among them', async () => {
    const { deps } = setUp();
    expect(await refusedFields(createWebhook({ url: 'https://10.0.0.1/', events: ['nope'] }, deps()))).toEqual({
      url: ['URLs pointing to a private address (10.0.0.0/8) are not allowed.'],
      events: ['"nope" is not a valid event type.'],
    });
    const { deps: changeDeps, create } = setUp();
    const hook = await create();
    expect(await refusedFields(changeWebhook(hook.id, { url: 'ftp://example.com/', active: 'yes' }, changeDeps()))).toEqual({
      url: ['Only https URLs are allowed.'],
      active: ['Must be a valid boolean.'],
    });
  });

  it('refuses the 11th subscription of a user with the contract message, and keeps 10', async () => {
    const { webhooks, create } = setUp();
    for (let count = 0; count < 10; count++) await create();
    const error = await expectRejection(create(), WebhookLimitReached, 'A user can have at most 10 webhooks.');
    expect(error).toBeInstanceOf(BusinessRuleViolation);
    expect(await webhooks.list('ann')).toHaveLength(10);
  });

  it("counts the limit per user: another user's subscriptions take none of it, and a deleted one frees its place", async () => {
    const { webhooks, create } = setUp();
    for (let count = 0; count < 10; count++) await create();
    await expect(create({}, 'bob')).resolves.toMatchObject({ ownerId: 'bob' });
    const [first] = await webhooks.list('ann');
    await webhooks.delete('ann', first!.id);
    await expect(create()).resolves.toMatchObject({ ownerId: 'ann' });
  });
});

describe('reading and changing a webhook', () => {
  it("answers NotFound for another user's subscription, and for none", async () => {
    const { deps, create } = setUp();
    const hook = await create();
    await expectRejection(readWebhook(hook.id, deps('bob')), NotFound, 'Not found.');
    await expectRejection(readWebhook('01J0NONE000000000000000000', deps()), NotFound, 'Not found.');
    await expect(readWebhook(hook.id, deps())).resolves.toEqual(hook);
  });

  it('changes only the fields given, and when', async () => {
    const { webhooks, deps, create } = setUp();
    const hook = await create({ events: ['meeting.booked'], description: 'old' });
    const later = at(HOUR);
    const changed = await changeWebhook(hook.id, { url: 'https://other.example.org/x', events: ['*', '*'] }, deps('ann', later));
    expect(changed).toEqual({ ...hook, url: 'https://other.example.org/x', events: ['*'], modified: later.toISOString() });
    expect(await webhooks.get('ann', hook.id)).toEqual(changed);
    const described = await changeWebhook(hook.id, { description: null, active: false }, deps());
    expect(described).toMatchObject({ description: '', active: false, url: 'https://other.example.org/x', events: ['*'] });
  });

  it('forgets since when deliveries failed when turned on again, not otherwise', async () => {
    const { webhooks, deps, create } = setUp();
    const hook = await create();
    await webhooks.put({ ...hook, active: false, failingSince: NOW.toISOString() });
    expect(await changeWebhook(hook.id, { description: 'x' }, deps())).toHaveProperty('failingSince', NOW.toISOString());
    expect(await changeWebhook(hook.id, { active: false }, deps())).toHaveProperty('failingSince', NOW.toISOString());
    expect(await changeWebhook(hook.id, { active: true }, deps())).not.toHaveProperty('failingSince');
  });

  it.each<[string, object, Record<string, string[]>]>([
    ['active that is no boolean', { active: 'yes' }, { active: ['Must be a valid boolean.'] }],
    ['null active', { active: null }, { active: ['This field may not be null.'] }],
    ['an empty list of events', { events: [] }, { events: ['This list may not be empty.'] }],
    ['an unknown event type', { events: ['meeting.moved'] }, { events: ['"meeting.moved" is not a valid event type.'] }],
    ['a long description', { description: 'y'.repeat(501) }, { description: ['Ensure this field has no more than 500 characters.'] }],
    ['a null url', { url: null }, { url: ['This field may not be null.'] }],
    ['a url of another scheme', { url: 'ftp://hooks.example.com/' }, { url: ['Only https URLs are allowed.'] }],
    [
      'a url to a loopback address',
      { url: 'https://127.0.0.1/' },
      { url: ['URLs pointing to a loopback address (127.0.0.0/8) are not allowed.'] },
    ],
  ])('refuses %s with the field message, changing nothing', async (_case, body, fields) => {
    const { webhooks, deps, create } = setUp();
    const hook = await create();
    expect(await refusedFields(changeWebhook(hook.id, body, deps('ann', at(HOUR))))).toEqual(fields);
    expect(await webhooks.get('ann', hook.id)).toEqual(hook);
  });

  it("answers NotFound for another user's subscription and leaves it as it was", async () => {
    const { webhooks, deps, create } = setUp();
    const hook = await create();
    await expectRejection(changeWebhook(hook.id, { active: false }, deps('bob')), NotFound, 'Not found.');
    expect(await webhooks.get('ann', hook.id)).toEqual(hook);
  });

  it('shows a subscription without its secret', async () => {
    const { create } = setUp();
    const hook = await create({ description: 'd' });
    expect(describeWebhook({ ...hook, previousSecret: { secret: secretB, until: NOW.toISOString() } })).toEqual({
      id: hook.id,
      url: hook.url,
      events: ['*'],
      description: 'd',
      active: true,
      created: NOW.toISOString(),
    });
  });
});

describe('secrets', () => {
  it('are "whsec_" and the base64 of the 24 bytes, usable by standardwebhooks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 24 }), (bytes) => {
        const secret = secretOf(bytes);
        expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
        expect(new Uint8Array(Buffer.from(secret.slice('whsec_'.length), 'base64'))).toEqual(bytes);
        expect(() => new Verifier(secret)).not.toThrow();
      }),
    );
  });

  it('rotate: the new secret signs, the old one too until 24 hours later', async () => {
    const { webhooks, deps, create } = setUp();
    const hook = await create();
    const rotated = await rotateSecret(hook.id, { ...deps('ann', at(HOUR)), secret: secretB });
    const until = at(25 * HOUR).toISOString();
    expect(rotated).toEqual({ ...hook, secret: secretB, previousSecret: { secret: secretA, until }, modified: at(HOUR).toISOString() });
    expect(await webhooks.get('ann', hook.id)).toEqual(rotated);
    expect(signingSecrets(rotated, at(HOUR))).toEqual([secretB, secretA]);
    expect(signingSecrets(rotated, at(25 * HOUR - 1))).toEqual([secretB, secretA]);
    expect(signingSecrets(rotated, at(25 * HOUR))).toEqual([secretB]);
    expect(signingSecrets(hook, NOW)).toEqual([secretA]);
  });

  it('rotating twice keeps only the last two secrets', async () => {
    const { deps, create } = setUp();
    const hook = await create();
    await rotateSecret(hook.id, { ...deps(), secret: secretB });
    const twice = await rotateSecret(hook.id, { ...deps('ann', at(HOUR)), secret: secretC });
    expect(signingSecrets(twice, at(2 * HOUR))).toEqual([secretC, secretB]);
  });

  it("rotating another user's subscription is NotFound and changes nothing", async () => {
    const { webhooks, deps, create } = setUp();
    const hook = await create();
    await expectRejection(rotateSecret(hook.id, { ...deps('bob'), secret: secretB }), NotFound, 'Not found.');
    expect(await webhooks.get('ann', hook.id)).toEqual(hook);
  });
});

describe('the retry schedule', () => {
  it('waits about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then gives up after the 8th attempt', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(attempt));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, undefined]);
    expect(retryDelayMs(0)).toBeUndefined();
  });

  it('is scaled linearly (rounded to the millisecond), and ends after the 8th attempt whatever the scale', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.double({ min: 0, max: 10, noNaN: true }), (attempt, scale) => {
        const delay = retryDelayMs(attempt, scale)!;
        expect(delay).toBe(Math.round(retryDelayMs(attempt)! * scale));
        expect(retryDelayMs(8, scale)).toBeUndefined();
      }),
    );
    expect(retryDelayMs(1, 0.001)).toBe(5);
    expect(retryDelayMs(7, 0.001)).toBe(36_000);
  });
});

describe('delivery ids', () => {
  const ids = fc.string({ minLength: 1, maxLength: 40 });
  const times = fc.integer({ min: 0, max: 2 ** 48 - 1 });

  it('are ULIDs that carry the time of the event', () => {
    fc.assert(
      fc.property(ids, ids, times, (webhookId, eventId, time) => {
        const id = deliveryIdOf(webhookId, eventId, new Date(time));
        expect(isValid(id)).toBe(true);
        expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
        expect(decodeTime(id)).toBe(time);
      }),
    );
  });

  it('are the same for the same subscription and event, and differ for another of either', () => {
    fc.assert(
      fc.property(ids, ids, ids, times, (webhookId, eventId, other, time) => {
        const id = deliveryIdOf(webhookId, eventId, new Date(time));
        expect(deliveryIdOf(webhookId, eventId, new Date(time))).toBe(id);
        if (other !== eventId) expect(deliveryIdOf(webhookId, other, new Date(time))).not.toBe(id);
        if (other !== webhookId) expect(deliveryIdOf(other, eventId, new Date(time))).not.toBe(id);
      }),
    );
  });

  it('sort as the times of their events', () => {
    fc.assert(
      fc.property(ids, ids, ids, times, times, (webhookId, first, second, one, two) => {
        fc.pre(one !== two);
        const [earlier, later] = one < two ? [one, two] : [two, one];
        expect(deliveryIdOf(webhookId, first, new Date(earlier)) < deliveryIdOf(webhookId, second, new Date(later))).toBe(true);
      }),
    );
  });

  it("make a new delivery wait for its first attempt, with the event's id, type and body", () => {
    const hook = { id: 'H1', ownerId: 'ann' } as Webhook;
    const delivery = newDelivery(hook, event('E1', '2030-06-01T07:00:00.000Z'), '{"id":"E1"}', NOW);
    expect(delivery).toEqual({
      id: deliveryIdOf('H1', 'E1', new Date('2030-06-01T07:00:00.000Z')),
      webhookId: 'H1',
      ownerId: 'ann',
      eventId: 'E1',
      eventType: 'meeting.booked',
      payload: '{"id":"E1"}',
      status: 'pending',
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      nextAttemptAt: NOW.toISOString(),
      created: NOW.toISOString(),
    });
    expect(nextTask(delivery)).toEqual({ ownerId: 'ann', webhookId: 'H1', deliveryId: delivery.id, attempt: 1 });
    expect(nextTask({ ...delivery, attempts: 3 }).attempt).toBe(4);
  });
});

describe('ping', () => {
  it('logs a webhook.ping delivery of the subscription (without its secret) and hands over its first attempt now', async () => {
    const { webhooks, queue, deps, create } = setUp();
    const hook = await create();
    const delivery = await pingWebhook(hook.id, deps('ann', at(HOUR)));
    const body = JSON.parse(delivery.payload) as Record<string, unknown>;
    expect(body).toEqual({
      id: delivery.eventId,
      type: PING_EVENT_TYPE,
      timestamp: at(HOUR).toISOString(),
      version: '1',
      data: { webhook: describeWebhook(hook) },
    });
    expect(delivery.payload).not.toContain(secretA.slice('whsec_'.length));
    expect(delivery).toMatchObject({ eventType: 'webhook.ping', status: 'pending', attempts: 0, webhookId: hook.id, ownerId: 'ann' });
    expect(delivery.id).toBe(deliveryIdOf(hook.id, delivery.eventId, at(HOUR)));
    expect(await webhooks.getDelivery('ann', hook.id, delivery.id)).toEqual(delivery);
    expect(queue.handed).toEqual([{ task: nextTask(delivery), delayMs: 0 }]);
  });

  it('makes a new event each time', async () => {
    const { deps, create } = setUp();
    const hook = await create();
    const first = await pingWebhook(hook.id, deps());
    const second = await pingWebhook(hook.id, deps());
    expect(second.eventId).not.toBe(first.eventId);
    expect(second.id).not.toBe(first.id);
  });

  it("of another user's subscription is NotFound, and sends nothing", async () => {
    const { queue, deps, create } = setUp();
    const hook = await create();
    await expectRejection(pingWebhook(hook.id, deps('bob')), NotFound, 'Not found.');
    expect(queue.handed).toEqual([]);
  });
});

describe('the delivery log', () => {
  /** Logs a delivery of a new event at `minute` minutes after NOW. */
  async function logAt(webhooks: WebhookStore, hook: Webhook, minute: number) {
    const time = at(minute * 60_000);
    const delivery = newDelivery(hook, event(`E${minute}`, time.toISOString()), '{}', time);
    await webhooks.addDelivery(delivery);
    return delivery;
  }

  it('lists the last 100 deliveries of the subscription, newest first', async () => {
    const { webhooks, deps, create } = setUp();
    const hook = await create();
    const other = await create();
    // Logged out of time order: 37 is prime to 105, so this visits every minute once.
    for (let index = 0; index < 105; index++) await logAt(webhooks, hook, (index * 37) % 105);
    await logAt(webhooks, other, 500);
    const listed = await listDeliveries(hook.id, deps());
    expect(listed).toHaveLength(DELIVERY_LOG_SIZE);
    expect(listed.map((delivery) => delivery.eventId)).toEqual([...Array(100).keys()].map((index) => `E${104 - index}`));
  });

  it("answers NotFound for another user's subscription", async () => {
    const { webhooks, deps, create } = setUp();
    const hook = await create();
    await logAt(webhooks, hook, 1);
    await expectRejection(listDeliveries(hook.id, deps('bob')), NotFound, 'Not found.');
  });

  it('redeliver: the delivery is pending again and its next attempt is handed over now, under the same id', async () => {
    const { webhooks, queue, deps, create } = setUp();
    const hook = await create();
    const delivery = await logAt(webhooks, hook, 1);
    const failed: Delivery = { ...delivery, status: 'failed', attempts: 8, lastStatusCode: 500, nextAttemptAt: null };
    await webhooks.updateDelivery(failed, 0);
    await redeliver(hook.id, delivery.id, deps('ann', at(HOUR)));
    expect(await webhooks.getDelivery('ann', hook.id, delivery.id)).toEqual({
      ...failed,
      status: 'pending',
      nextAttemptAt: at(HOUR).toISOString(),
    });
    expect(queue.handed).toEqual([{ task: { ownerId: 'ann', webhookId: hook.id, deliveryId: delivery.id, attempt: 9 }, delayMs: 0 }]);
  });

  it('redeliver reads again when an attempt logged its outcome meanwhile, and hands over the attempt after it', async () => {
    const { webhooks, queue, deps, create } = setUp();
    const hook = await create();
    const delivery = await logAt(webhooks, hook, 1);
    const update = webhooks.updateDelivery.bind(webhooks);
    let raced = false;
    jest.spyOn(webhooks, 'updateDelivery').mockImplementation(async (changed, before) => {
      if (!raced) {
        raced = true;
        await update({ ...delivery, attempts: 1, status: 'delivered', lastStatusCode: 200 }, 0);
      }
      return update(changed, before);
    });
    await redeliver(hook.id, delivery.id, deps());
    expect(await webhooks.getDelivery('ann', hook.id, delivery.id)).toMatchObject({ attempts: 1, status: 'pending', lastStatusCode: 200 });
    expect(queue.handed.map(({ task }) => task.attempt)).toEqual([2]);
  });

  it('redeliver gives up with ConcurrentModification when attempts keep landing', async () => {
    const { webhooks, queue, deps, create } = setUp();
    const hook = await create();
    const delivery = await logAt(webhooks, hook, 1);
    const update = jest.spyOn(webhooks, 'updateDelivery').mockResolvedValue(false);
    await expectRejection(
      redeliver(hook.id, delivery.id, deps()),
      ConcurrentModification,
      'The resource was changed by another request; retry with fresh data.',
    );
    expect(update).toHaveBeenCalledTimes(3);
    expect(queue.handed).toEqual([]);
  });

  it("redeliver answers NotFound for an unknown delivery and for another user's subscription", async () => {
    const { webhooks, queue, deps, create } = setUp();
    const hook = await create();
    const delivery = await logAt(webhooks, hook, 1);
    await expectRejection(redeliver(hook.id, '01J0NONE000000000000000000', deps()), NotFound, 'Not found.');
    await expectRejection(redeliver(hook.id, delivery.id, deps('bob')), NotFound, 'Not found.');
    expect(queue.handed).toEqual([]);
  });
});
