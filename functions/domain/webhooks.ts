/**
 * Webhooks (API Part C, "Webhooks"): a user's subscriptions to the domain events that
 * concern them, and the log of their deliveries. The use cases here validate and decide;
 * the store keeps subscriptions, secrets and deliveries; the delivery code
 * (`integrations/webhook-delivery.ts`) signs and sends.
 */
import { createHash } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulid';
import * as z from 'zod/mini';
import { BusinessRuleViolation, ConcurrentModification, NotFound, ValidationFailed } from './errors';
import { checkWebhookUrl, type UrlPolicy } from './webhook-urls';
import { isServiceId, maxItems, messages, minItems, text, tryParseFields, typeMessage } from './validation';

/** The event types a subscription may ask for (`"*"`: all of them, and those to come). */
export const WEBHOOK_EVENT_TYPES = [
  'meeting.booked',
  'meeting.rescheduled',
  'meeting.updated',
  'meeting.cancelled',
  'meeting.reactivated',
  'meeting.responded',
  'availability.changed',
] as const;

/** The event a ping delivers. */
export const PING_EVENT_TYPE = 'webhook.ping';

export const MAX_WEBHOOKS_PER_USER = 10;
/** How long the secret before a rotation still signs deliveries. */
export const PREVIOUS_SECRET_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** A subscription whose every delivery failed for this long is deactivated. */
export const FAILING_DEACTIVATION_MS = 5 * 24 * 60 * 60 * 1000;
/** Delays before the 2nd..8th attempt of a delivery; after the 8th it is `failed`. */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;
/** The deliveries a log shows (newest first). */
export const DELIVERY_LOG_SIZE = 100;

export const webhookMessages = {
  limit: `A user can have at most ${MAX_WEBHOOKS_PER_USER} webhooks.`,
  eventType: (type: string) => `"${type}" is not a valid event type.`,
} as const;

/** A signing secret, as shown once: `whsec_` and the base64 of 24 random bytes. */
export type WebhookSecret = string;

/**
 * Port: seals secrets before they are stored and opens them to sign (KMS in AWS, a local
 * key under `npm start`): a stored subscription holds its secrets sealed only.
 */
export interface SecretBox {
  seal(secret: WebhookSecret): Promise<string>;
  open(sealed: string): Promise<WebhookSecret>;
}

export interface Webhook {
  id: string;
  ownerId: string;
  url: string;
  events: string[];
  description: string;
  active: boolean;
  created: string;
  modified: string;
  /** The signing secret, sealed (`SecretBox`). */
  secret: string;
  /** The secret before the last rotation, sealed, and until when it still signs. */
  previousSecret?: { secret: string; until: string };
  /** Since when every delivery failed (cleared by a delivered one). */
  failingSince?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  /** Also the `webhook-id` of every attempt: the same on retries and redeliveries. */
  id: string;
  webhookId: string;
  ownerId: string;
  eventId: string;
  eventType: string;
  /** The body sent, exactly (the event's JSON). */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  created: string;
}

/** A delivery's attempt to make: `attempt` counts from 1; an older one is stale and skipped. */
export interface DeliveryTask {
  ownerId: string;
  webhookId: string;
  deliveryId: string;
  attempt: number;
}

/** Port: where the webhooks live. */
export interface WebhookStore {
  /** Stores a new subscription unless its owner already has `max` (then WebhookLimitReached). */
  create(webhook: Webhook, max: number): Promise<void>;
  list(ownerId: string): Promise<Webhook[]>;
  get(ownerId: string, id: string): Promise<Webhook | undefined>;
  /** Stores the subscription as changed (the whole item). */
  put(webhook: Webhook): Promise<void>;
  /**
   * Remembers that its deliveries fail since `at`, unless it knew already (only that
   * attribute is written: a change the owner makes meanwhile stays); answers the
   * subscription as it now is, undefined when it is gone.
   */
  recordFailure(ownerId: string, id: string, at: string): Promise<Webhook | undefined>;
  /** Forgets that its deliveries fail (one got through). */
  recordSuccess(ownerId: string, id: string): Promise<void>;
  /** Deactivates the subscription, if its deliveries still fail since `failingSince`. */
  deactivate(ownerId: string, id: string, failingSince: string, at: string): Promise<void>;
  /** Removes the subscription; false when there was none. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /** The subscriptions of these users (for the fan-out). */
  ofOwners(ownerIds: readonly string[]): Promise<Webhook[]>;
  /** Stores a new delivery; false when one with its id exists already (the same event fanned out again). */
  addDelivery(delivery: Delivery): Promise<boolean>;
  getDelivery(ownerId: string, webhookId: string, deliveryId: string): Promise<Delivery | undefined>;
  /** Stores the delivery as changed if it is still at `attemptsBefore` attempts; false otherwise. */
  updateDelivery(delivery: Delivery, attemptsBefore: number): Promise<boolean>;
  /** The newest deliveries of a subscription, newest first. */
  deliveries(ownerId: string, webhookId: string, limit: number): Promise<Delivery[]>;
}

/** Port: where delivery attempts wait for their time (SQS in AWS, an in-process queue locally). */
export interface DeliveryQueue {
  enqueue(task: DeliveryTask, delayMs: number): Promise<void>;
}

export class WebhookLimitReached extends BusinessRuleViolation {
  constructor() {
    super(webhookMessages.limit);
  }
}

const eventTypes = z.array(z.string({ error: messages.string }), { error: typeMessage(messages.list) }).check(
  minItems(1, messages.emptyList),
  maxItems(WEBHOOK_EVENT_TYPES.length + 1, messages.maxItems(WEBHOOK_EVENT_TYPES.length + 1)),
  z.superRefine((types, context) => {
    for (const type of types) {
      if (type !== '*' && !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) {
        context.addIssue({ code: 'custom', message: webhookMessages.eventType(type), input: type });
      }
    }
  }),
  z.meta({ minItems: 1, items: { type: 'string', enum: ['*', ...WEBHOOK_EVENT_TYPES] } }),
);
const description = z.pipe(
  z.optional(z.nullable(text({ max: 500, allowBlank: true, trim: true, lines: true }))),
  z.transform((value) => value ?? ''),
);
// The url is checked on its own (checkWebhookUrl), its absence included: the schema only documents it.
const url = z.unknown().check(z.meta({ type: 'string', format: 'uri', examples: ['https://example.com/hooks/calendar'] }));
export const createSchema = z.object({ url: z.optional(url), events: eventTypes, description });
export const changeSchema = z.object({
  url: z.optional(url),
  events: z.optional(eventTypes),
  description: z.optional(z.nullable(text({ max: 500, allowBlank: true, trim: true, lines: true }))),
  active: z.optional(z.boolean({ error: typeMessage('Must be a valid boolean.') })),
});

export interface WebhookDeps {
  webhooks: WebhookStore;
  caller: { id: string };
  policy: UrlPolicy;
  now: Date;
}

const newId = monotonicFactory();

/** A new signing secret from `randomBytes` (24 bytes, so 192 bits). */
export function secretOf(random: Uint8Array): WebhookSecret {
  return `whsec_${Buffer.from(random).toString('base64')}`;
}

/** A new secret for a subscription: shown once to its owner, stored only sealed. */
export interface NewSecret {
  secret: WebhookSecret;
  box: Pick<SecretBox, 'seal'>;
}

/** POST /api/webhooks/: the new subscription (the caller shows `deps.secret` once). */
export async function createWebhook(body: unknown, deps: WebhookDeps & NewSecret): Promise<Webhook> {
  const { fields, url } = withUrl(createSchema, body, deps.policy, true);
  const stamp = deps.now.toISOString();
  const webhook: Webhook = {
    id: newId(deps.now.getTime()),
    ownerId: deps.caller.id,
    url: url.href,
    events: [...new Set(fields.events)],
    description: fields.description,
    active: true,
    created: stamp,
    modified: stamp,
    secret: await deps.box.seal(deps.secret),
  };
  await deps.webhooks.create(webhook, MAX_WEBHOOKS_PER_USER);
  return webhook;
}

/**
 * The body's fields and its url, checked together so that every bad field is named at
 * once (the url by the SSRF guard, `checkWebhookUrl`).
 */
function withUrl<T extends { url?: unknown }>(
  schema: z.ZodMiniType<T>,
  body: unknown,
  policy: UrlPolicy,
  required: true,
): { fields: T; url: URL };
function withUrl<T extends { url?: unknown }>(
  schema: z.ZodMiniType<T>,
  body: unknown,
  policy: UrlPolicy,
  required: false,
): { fields: T; url: URL | undefined };
function withUrl<T extends { url?: unknown }>(schema: z.ZodMiniType<T>, body: unknown, policy: UrlPolicy, required: boolean) {
  const parsed = tryParseFields(schema, body);
  const raw = body !== null && typeof body === 'object' ? (body as { url?: unknown }).url : undefined;
  let url: URL | undefined;
  let urlFailure: ValidationFailed | undefined;
  if (required || raw !== undefined) {
    try {
      url = checkWebhookUrl(raw, policy);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      urlFailure = error;
    }
  }
  if (parsed instanceof ValidationFailed || urlFailure) {
    const { url: _ignored, ...others } = parsed instanceof ValidationFailed ? parsed.fields : {};
    throw new ValidationFailed({ ...(urlFailure?.fields ?? {}), ...others });
  }
  return { fields: parsed.value, url };
}

/** The caller's subscription, or NotFound (also for another user's). */
export async function readWebhook(id: string, deps: Pick<WebhookDeps, 'webhooks' | 'caller'>): Promise<Webhook> {
  if (!isServiceId(id)) throw new NotFound();
  const webhook = await deps.webhooks.get(deps.caller.id, id);
  if (!webhook) throw new NotFound();
  return webhook;
}

/** DELETE /api/webhooks/{id}/: the caller's subscription ends; NotFound when there is none. */
export async function deleteWebhook(id: string, deps: Pick<WebhookDeps, 'webhooks' | 'caller'>): Promise<void> {
  if (!isServiceId(id) || !(await deps.webhooks.delete(deps.caller.id, id))) throw new NotFound();
}

/** PATCH /api/webhooks/{id}/: changes url, events, description, active. */
export async function changeWebhook(id: string, body: unknown, deps: WebhookDeps): Promise<Webhook> {
  const { fields, url } = withUrl(changeSchema, body, deps.policy, false);
  const webhook = await readWebhook(id, deps);
  const changed: Webhook = { ...webhook, modified: deps.now.toISOString() };
  if (url) changed.url = url.href;
  if (fields.events !== undefined) changed.events = [...new Set(fields.events)];
  if (fields.description !== undefined) changed.description = fields.description ?? '';
  if (fields.active !== undefined) {
    changed.active = fields.active;
    // Turned on again: failures before this no longer count towards deactivation.
    if (fields.active) delete changed.failingSince;
  }
  await deps.webhooks.put(changed);
  return changed;
}

/** POST /api/webhooks/{id}/rotate_secret/: a new secret; the old one signs too for 24 hours. */
export async function rotateSecret(id: string, deps: WebhookDeps & NewSecret): Promise<Webhook> {
  const webhook = await readWebhook(id, deps);
  const rotated: Webhook = {
    ...webhook,
    secret: await deps.box.seal(deps.secret),
    previousSecret: { secret: webhook.secret, until: new Date(deps.now.getTime() + PREVIOUS_SECRET_LIFETIME_MS).toISOString() },
    modified: deps.now.toISOString(),
  };
  await deps.webhooks.put(rotated);
  return rotated;
}

/** The (sealed) secrets that sign a delivery now: the current one, and the previous one within its 24 hours. */
export function signingSecrets(webhook: Webhook, now: Date): string[] {
  const previous = webhook.previousSecret;
  return previous && Date.parse(previous.until) > now.getTime() ? [webhook.secret, previous.secret] : [webhook.secret];
}

/** The delay before attempt `attempt + 1` after `attempt` failed, scaled; undefined after the last. */
export function retryDelayMs(attempt: number, scale = 1): number | undefined {
  const delay = RETRY_SCHEDULE_MS[attempt - 1];
  return delay === undefined ? undefined : Math.round(delay * scale);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A delivery's id: a ULID whose time is the event's and whose rest comes from the
 * subscription and the event, so the same event fanned out again to the same subscription
 * is the same delivery (and the log stays in time order).
 */
export function deliveryIdOf(webhookId: string, eventId: string, eventTime: Date): string {
  const digest = createHash('sha256').update(`${webhookId}\n${eventId}`).digest();
  let random = '';
  for (let index = 0; index < 16; index++) random += CROCKFORD[(digest[index] as number) % 32];
  return `${encodeTime(eventTime.getTime(), 10)}${random}`;
}

/** A new delivery of an event's body to a subscription, waiting for its first attempt. */
export function newDelivery(
  webhook: Webhook,
  event: { id: string; type: string; timestamp: string },
  payload: string,
  now: Date,
): Delivery {
  return {
    id: deliveryIdOf(webhook.id, event.id, new Date(event.timestamp)),
    webhookId: webhook.id,
    ownerId: webhook.ownerId,
    eventId: event.id,
    eventType: event.type,
    payload,
    status: 'pending',
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    nextAttemptAt: now.toISOString(),
    created: now.toISOString(),
  };
}

/** The attempt that follows a delivery's last one. */
export const nextTask = (delivery: Delivery): DeliveryTask => ({
  ownerId: delivery.ownerId,
  webhookId: delivery.webhookId,
  deliveryId: delivery.id,
  attempt: delivery.attempts + 1,
});

/** POST /api/webhooks/{id}/ping/: a `webhook.ping` event, delivered like any other. */
export async function pingWebhook(id: string, deps: WebhookDeps & { queue: DeliveryQueue }): Promise<Delivery> {
  const webhook = await readWebhook(id, deps);
  const event = {
    id: `ping_${newId(deps.now.getTime())}`,
    type: PING_EVENT_TYPE,
    timestamp: deps.now.toISOString(),
    version: '1',
    data: { webhook: describeWebhook(webhook) },
  };
  const delivery = newDelivery(webhook, event, JSON.stringify(event), deps.now);
  await deps.webhooks.addDelivery(delivery);
  await deps.queue.enqueue(nextTask(delivery), 0);
  return delivery;
}

/** GET /api/webhooks/{id}/deliveries/: the last deliveries, newest first. */
export async function listDeliveries(id: string, deps: Pick<WebhookDeps, 'webhooks' | 'caller'>): Promise<Delivery[]> {
  await readWebhook(id, deps);
  return deps.webhooks.deliveries(deps.caller.id, id, DELIVERY_LOG_SIZE);
}

/** POST .../deliveries/{delivery_id}/redeliver/: sends it again now, under the same `webhook-id`. */
export async function redeliver(id: string, deliveryId: string, deps: WebhookDeps & { queue: DeliveryQueue }): Promise<void> {
  await readWebhook(id, deps);
  if (!isServiceId(deliveryId)) throw new NotFound();
  // An attempt in flight may log its outcome meanwhile: read again and retry a few times.
  for (let tries = 0; tries < 3; tries++) {
    const delivery = await deps.webhooks.getDelivery(deps.caller.id, id, deliveryId);
    if (!delivery) throw new NotFound();
    const again: Delivery = { ...delivery, status: 'pending', nextAttemptAt: deps.now.toISOString() };
    if (await deps.webhooks.updateDelivery(again, delivery.attempts)) return deps.queue.enqueue(nextTask(again), 0);
  }
  throw new ConcurrentModification();
}

/** A subscription as the API shows it: never its secret. */
export function describeWebhook(webhook: Webhook) {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    description: webhook.description,
    active: webhook.active,
    created: webhook.created,
  };
}

/** A delivery as the log shows it. */
export function describeDelivery(delivery: Delivery) {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    next_attempt_at: delivery.nextAttemptAt,
    created: delivery.created,
  };
}
