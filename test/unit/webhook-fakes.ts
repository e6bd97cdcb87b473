/**
 * The webhook ports in memory, for the unit tests of webhooks and their delivery.
 */
import {
  type Delivery,
  type DeliveryQueue,
  type DeliveryTask,
  type SecretBox,
  type Webhook,
  WebhookLimitReached,
  type WebhookStore,
} from '../../functions/domain/webhooks';

/**
 * The store port in memory, keeping its promises: at most `max` subscriptions an owner,
 * `put` only while the subscription exists, `addDelivery` refusing a known id,
 * `updateDelivery` only at the attempt count given, deliveries newest first. Everything
 * is copied in and out, as a database would.
 */
export class MemoryWebhookStore implements WebhookStore {
  readonly hooks = new Map<string, Webhook>();
  readonly logged = new Map<string, Delivery>();

  async create(webhook: Webhook, max: number) {
    if ((await this.list(webhook.ownerId)).length >= max) throw new WebhookLimitReached();
    this.hooks.set(`${webhook.ownerId}/${webhook.id}`, structuredClone(webhook));
  }
  async list(ownerId: string) {
    return [...this.hooks.values()].filter((hook) => hook.ownerId === ownerId).map((hook) => structuredClone(hook));
  }
  async get(ownerId: string, id: string) {
    const hook = this.hooks.get(`${ownerId}/${id}`);
    return hook && structuredClone(hook);
  }
  async put(webhook: Webhook) {
    const key = `${webhook.ownerId}/${webhook.id}`;
    if (this.hooks.has(key)) this.hooks.set(key, structuredClone(webhook));
  }
  async recordFailure(ownerId: string, id: string, at: string) {
    const hook = this.hooks.get(`${ownerId}/${id}`);
    if (!hook) return undefined;
    hook.failingSince ??= at;
    return structuredClone(hook);
  }
  async recordSuccess(ownerId: string, id: string) {
    const hook = this.hooks.get(`${ownerId}/${id}`);
    if (hook) delete hook.failingSince;
  }
  async deactivate(ownerId: string, id: string, failingSince: string, at: string) {
    const hook = this.hooks.get(`${ownerId}/${id}`);
    if (hook?.failingSince === failingSince) Object.assign(hook, { active: false, modified: at });
  }
  async delete(ownerId: string, id: string) {
    return this.hooks.delete(`${ownerId}/${id}`);
  }
  async ofOwners(ownerIds: readonly string[]) {
    return (await Promise.all(ownerIds.map((ownerId) => this.list(ownerId)))).flat();
  }
  async addDelivery(delivery: Delivery) {
    const key = `${delivery.ownerId}/${delivery.webhookId}/${delivery.id}`;
    if (this.logged.has(key)) return false;
    this.logged.set(key, structuredClone(delivery));
    return true;
  }
  async getDelivery(ownerId: string, webhookId: string, deliveryId: string) {
    const delivery = this.logged.get(`${ownerId}/${webhookId}/${deliveryId}`);
    return delivery && structuredClone(delivery);
  }
  async updateDelivery(delivery: Delivery, attemptsBefore: number) {
    const key = `${delivery.ownerId}/${delivery.webhookId}/${delivery.id}`;
    if (this.logged.get(key)?.attempts !== attemptsBefore) return false;
    this.logged.set(key, structuredClone(delivery));
    return true;
  }
  async deliveries(ownerId: string, webhookId: string, limit: number) {
    return [...this.logged.values()]
      .filter((delivery) => delivery.ownerId === ownerId && delivery.webhookId === webhookId)
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map((delivery) => structuredClone(delivery));
  }
}

/** A box that keeps secrets as they are, so a test can read what was stored. */
export const plainBox: SecretBox = { seal: async (secret) => secret, open: async (sealed) => sealed };

/** A queue that only records what it is handed. */
export class RecordingQueue implements DeliveryQueue {
  readonly handed: { task: DeliveryTask; delayMs: number }[] = [];
  async enqueue(task: DeliveryTask, delayMs: number) {
    this.handed.push({ task, delayMs });
  }
}
