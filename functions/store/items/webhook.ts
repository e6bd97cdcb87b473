/**
 * A user's webhooks live in their own partition, `WEBHOOK#<owner id>`, so that only the
 * webhook routes and the delivery code may reach them (`dynamodb:LeadingKeys`): the
 * subscriptions (`HOOK#<id>`, holding the signing secrets), their count (`COUNT`, kept in
 * the same transactions, which bounds them per user) and the delivery log
 * (`DELIVERY#<webhook id>#<delivery id>`, time-ordered ids, expiring by TTL).
 */
import type { Delivery, Webhook } from '../../domain/webhooks';
import type { Key, StoredItem } from './item';

/** How long a delivery stays in the log. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 60 * 60;

export const webhookPartition = (ownerId: string) => `WEBHOOK#${ownerId}`;
export const webhookKey = (ownerId: string, id: string): Key => ({ pk: webhookPartition(ownerId), sk: `HOOK#${id}` });
export const webhookCountKey = (ownerId: string): Key => ({ pk: webhookPartition(ownerId), sk: 'COUNT' });
export const deliveryPrefix = (webhookId: string) => `DELIVERY#${webhookId}#`;
export const deliveryKey = (ownerId: string, webhookId: string, deliveryId: string): Key => ({
  pk: webhookPartition(ownerId),
  sk: `${deliveryPrefix(webhookId)}${deliveryId}`,
});

export function toWebhookItem(webhook: Webhook) {
  return { ...webhookKey(webhook.ownerId, webhook.id), type: 'webhook' as const, ...webhook };
}

export function webhookOf(item: StoredItem): Webhook {
  const webhook: Webhook = {
    id: String(item.id),
    ownerId: String(item.ownerId),
    url: String(item.url),
    events: [...((item.events as string[] | undefined) ?? [])],
    description: String(item.description ?? ''),
    active: item.active === true,
    created: String(item.created),
    modified: String(item.modified),
    secret: String(item.secret),
  };
  const previous = item.previousSecret as Webhook['previousSecret'];
  if (previous) webhook.previousSecret = { secret: String(previous.secret), until: String(previous.until) };
  if (typeof item.failingSince === 'string') webhook.failingSince = item.failingSince;
  return webhook;
}

export function toDeliveryItem(delivery: Delivery) {
  return {
    ...deliveryKey(delivery.ownerId, delivery.webhookId, delivery.id),
    type: 'delivery' as const,
    ...delivery,
    expiresAt: Math.floor(Date.parse(delivery.created) / 1000) + DELIVERY_RETENTION_SECONDS,
  };
}

export function deliveryOf(item: StoredItem): Delivery {
  return {
    id: String(item.id),
    webhookId: String(item.webhookId),
    ownerId: String(item.ownerId),
    eventId: String(item.eventId),
    eventType: String(item.eventType),
    payload: String(item.payload),
    status: item.status as Delivery['status'],
    attempts: Number(item.attempts),
    lastStatusCode: item.lastStatusCode === null || item.lastStatusCode === undefined ? null : Number(item.lastStatusCode),
    lastError: typeof item.lastError === 'string' ? item.lastError : null,
    nextAttemptAt: typeof item.nextAttemptAt === 'string' ? item.nextAttemptAt : null,
    created: String(item.created),
  };
}
