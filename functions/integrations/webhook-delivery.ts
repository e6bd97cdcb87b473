/**
 * Webhook delivery, the same code in AWS and locally: the fan-out turns a published event
 * into one delivery per subscription that receives it (`receives`: its owner is in the
 * event's audience and it asked for the type), and each attempt signs the body (Standard
 * Webhooks), POSTs it, logs the outcome and, when it failed, schedules the next attempt
 * on the retry schedule, until the last one marks the delivery `failed`. Attempts wait in
 * a `DeliveryQueue` (SQS in AWS, an in-process queue locally).
 *
 * Deliveries are idempotent: a delivery's id comes from the subscription and the event, so
 * an event fanned out twice is one delivery; an attempt names its number, so a task that
 * is handed over twice runs once (the log's attempt count is the condition of its write).
 */
import { Webhook as Signer } from 'standardwebhooks';
import { receives } from '../domain/audience';
import type { Publication } from '../domain/events';
import {
  type Delivery,
  type DeliveryQueue,
  type DeliveryTask,
  FAILING_DEACTIVATION_MS,
  newDelivery,
  nextTask,
  PING_EVENT_TYPE,
  retryDelayMs,
  type SecretBox,
  signingSecrets,
  type Webhook,
  type WebhookStore,
} from '../domain/webhooks';

/** What one POST came to. */
export interface SendOutcome {
  ok: boolean;
  status?: number;
  error?: string;
}

/** Sends one signed POST (see `webhook-http.ts`: the SSRF guard, the 10 s limit, no redirects). */
export type Sender = (url: string, body: string, headers: Record<string, string>) => Promise<SendOutcome>;

export interface DeliveryDeps {
  webhooks: WebhookStore;
  /** Opens the sealed secrets to sign with. */
  secrets: Pick<SecretBox, 'open'>;
  queue: DeliveryQueue;
  send: Sender;
  /** Multiplies the retry schedule (tests and the local runtime shorten it). @default 1 */
  retryScale?: number;
  now?: () => Date;
}

/** Makes the deliveries of one published event; answers how many subscriptions receive it. */
export async function fanOut({ event, audience }: Publication, deps: DeliveryDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const subscriptions = (await deps.webhooks.ofOwners(audience)).filter((webhook) => receives(webhook, event.type, audience));
  const payload = JSON.stringify(event);
  await Promise.all(
    subscriptions.map(async (webhook) => {
      const delivery = newDelivery(webhook, event, payload, now);
      if (await deps.webhooks.addDelivery(delivery)) return deps.queue.enqueue(nextTask(delivery), 0);
      // Fanned out before (the event was published again): hand its next attempt over
      // again in case the first hand-over was lost; a task already run is skipped.
      const known = await deps.webhooks.getDelivery(delivery.ownerId, delivery.webhookId, delivery.id);
      if (known?.status === 'pending') await deps.queue.enqueue(nextTask(known), 0);
    }),
  );
  return subscriptions.length;
}

/** The Standard Webhooks headers of one attempt: one signature per secret that signs now. */
export async function signedHeaders(
  delivery: Delivery,
  webhook: Webhook,
  at: Date,
  secrets: Pick<SecretBox, 'open'>,
): Promise<Record<string, string>> {
  const opened = await Promise.all(signingSecrets(webhook, at).map((sealed) => secrets.open(sealed)));
  const signatures = opened.map((secret) => new Signer(secret).sign(delivery.id, at, delivery.payload));
  return {
    'content-type': 'application/json',
    'user-agent': 'calendar-webhooks/1',
    'webhook-id': delivery.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/** Runs one attempt of a delivery, if it is still due; answers what became of the delivery. */
export async function attemptDelivery(task: DeliveryTask, deps: DeliveryDeps): Promise<Delivery | undefined> {
  const delivery = await deps.webhooks.getDelivery(task.ownerId, task.webhookId, task.deliveryId);
  // Gone (expired), or this attempt was made already: a task handed over twice runs once.
  if (!delivery || delivery.status !== 'pending' || delivery.attempts + 1 !== task.attempt) return delivery;
  const webhook = await deps.webhooks.get(task.ownerId, task.webhookId);
  const now = deps.now?.() ?? new Date();
  const attempt = delivery.attempts + 1;

  let outcome: SendOutcome;
  if (!webhook) outcome = { ok: false, error: 'the subscription was deleted' };
  else if (!webhook.active && delivery.eventType !== PING_EVENT_TYPE) outcome = { ok: false, error: 'the subscription is not active' };
  else outcome = await deps.send(webhook.url, delivery.payload, await signedHeaders(delivery, webhook, now, deps.secrets));

  const delay = outcome.ok || !webhook?.active ? undefined : retryDelayMs(attempt, deps.retryScale);
  const after: Delivery = {
    ...delivery,
    attempts: attempt,
    lastStatusCode: outcome.status ?? null,
    lastError: outcome.ok ? null : (outcome.error ?? `the receiver answered ${outcome.status}`),
    status: outcome.ok ? 'delivered' : delay === undefined ? 'failed' : 'pending',
    nextAttemptAt: delay === undefined ? null : new Date(now.getTime() + delay).toISOString(),
  };
  // Another run of the same attempt won: it logged and scheduled; nothing more to do here.
  if (!(await deps.webhooks.updateDelivery(after, delivery.attempts))) return undefined;
  if (after.status === 'pending' && delay !== undefined) await deps.queue.enqueue(nextTask(after), delay);
  if (webhook && delivery.eventType !== PING_EVENT_TYPE) await trackHealth(webhook, outcome.ok, now, deps.webhooks);
  return after;
}

/**
 * A subscription whose every delivery failed for 5 days is deactivated: it remembers since
 * when its deliveries fail, and forgets it when one is delivered. Only those attributes
 * are written, never the subscription read before the POST: a change its owner made
 * meanwhile (a rotated secret, a new url) stays.
 */
async function trackHealth(webhook: Webhook, delivered: boolean, now: Date, webhooks: WebhookStore): Promise<void> {
  if (delivered) {
    if (webhook.failingSince) await webhooks.recordSuccess(webhook.ownerId, webhook.id);
    return;
  }
  const current = await webhooks.recordFailure(webhook.ownerId, webhook.id, now.toISOString());
  if (current?.active && current.failingSince && now.getTime() - Date.parse(current.failingSince) >= FAILING_DEACTIVATION_MS) {
    await webhooks.deactivate(current.ownerId, current.id, current.failingSince, now.toISOString());
  }
}
