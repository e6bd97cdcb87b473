import { type Delivery, type Webhook, WebhookLimitReached, type WebhookStore } from '../domain/webhooks';
import {
  deliveryKey,
  deliveryOf,
  deliveryPrefix,
  toDeliveryItem,
  toWebhookItem,
  webhookCountKey,
  webhookKey,
  webhookOf,
  webhookPartition,
} from './items/webhook';
import type { Table } from './table';
import { isCancelledTransaction, isFailedCondition } from './retry';

/** How many owners' subscriptions the fan-out reads at once. */
const FAN_OUT_READS = 8;

const failedCondition = (error: unknown) => isFailedCondition(error);

export class DynamoWebhookStore implements WebhookStore {
  constructor(private readonly table: Table) {}

  /** One transaction: the subscription and its owner's count, which may not pass `max`. */
  async create(webhook: Webhook, max: number): Promise<void> {
    const TableName = this.table.name;
    try {
      await this.table.transact([
        {
          Update: {
            TableName,
            Key: webhookCountKey(webhook.ownerId),
            UpdateExpression: 'SET #type = :type ADD #count :one',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
            ExpressionAttributeNames: { '#type': 'type', '#count': 'count' },
            ExpressionAttributeValues: { ':type': 'webhookCount', ':one': 1, ':max': max },
          },
        },
        { Put: { TableName, Item: toWebhookItem(webhook), ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
    } catch (error) {
      if (isCancelledTransaction(error) && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        throw new WebhookLimitReached();
      }
      throw error;
    }
  }

  async list(ownerId: string): Promise<Webhook[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :hook)',
      ExpressionAttributeValues: { ':pk': webhookPartition(ownerId), ':hook': 'HOOK#' },
      ConsistentRead: true,
    });
    return items.map(webhookOf);
  }

  async get(ownerId: string, id: string): Promise<Webhook | undefined> {
    const item = await this.table.get(webhookKey(ownerId, id));
    return item && webhookOf(item);
  }

  /** Replaces the subscription, only while it exists (a concurrent delete wins). */
  async put(webhook: Webhook): Promise<void> {
    await this.table.put({ Item: toWebhookItem(webhook), ConditionExpression: 'attribute_exists(pk)' }).catch((error: unknown) => {
      if (!failedCondition(error)) throw error;
    });
  }

  async recordFailure(ownerId: string, id: string, at: string): Promise<Webhook | undefined> {
    try {
      const item = await this.table.update({
        Key: webhookKey(ownerId, id),
        UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
        ReturnValues: 'ALL_NEW',
      });
      return item && webhookOf(item);
    } catch (error) {
      if (failedCondition(error)) return undefined;
      throw error;
    }
  }

  async recordSuccess(ownerId: string, id: string): Promise<void> {
    await this.table
      .update({
        Key: webhookKey(ownerId, id),
        UpdateExpression: 'REMOVE failingSince',
        ConditionExpression: 'attribute_exists(failingSince)',
      })
      .catch((error: unknown) => {
        if (!failedCondition(error)) throw error;
      });
  }

  async deactivate(ownerId: string, id: string, failingSince: string, at: string): Promise<void> {
    await this.table
      .update({
        Key: webhookKey(ownerId, id),
        UpdateExpression: 'SET active = :false, modified = :at',
        ConditionExpression: 'failingSince = :since',
        ExpressionAttributeValues: { ':false': false, ':at': at, ':since': failingSince },
      })
      .catch((error: unknown) => {
        if (!failedCondition(error)) throw error;
      });
  }

  /** One transaction: the subscription goes and its owner's count goes down. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const TableName = this.table.name;
    try {
      await this.table.transact([
        { Delete: { TableName, Key: webhookKey(ownerId, id), ConditionExpression: 'attribute_exists(pk)' } },
        {
          Update: {
            TableName,
            Key: webhookCountKey(ownerId),
            UpdateExpression: 'ADD #count :minusOne',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minusOne': -1 },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (isCancelledTransaction(error) && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /**
   * The subscriptions of these owners: one consistent batched read of their counts (kept
   * in the same transactions as the subscriptions), then the subscriptions of only those
   * who have any, in owner order. Most people an event concerns subscribe to nothing.
   */
  async ofOwners(ownerIds: readonly string[]): Promise<Webhook[]> {
    const unique = [...new Set(ownerIds)];
    if (unique.length === 0) return [];
    const counts = await this.table.batchGet(unique.map(webhookCountKey));
    const subscribing = new Set(counts.filter((item) => Number(item.count) > 0).map((item) => String(item.pk)));
    const owners = unique.filter((ownerId) => subscribing.has(webhookPartition(ownerId)));
    const found: Webhook[] = [];
    for (let start = 0; start < owners.length; start += FAN_OUT_READS) {
      const lists = await Promise.all(owners.slice(start, start + FAN_OUT_READS).map((ownerId) => this.list(ownerId)));
      found.push(...lists.flat());
    }
    return found;
  }

  async addDelivery(delivery: Delivery): Promise<boolean> {
    try {
      await this.table.put({ Item: toDeliveryItem(delivery), ConditionExpression: 'attribute_not_exists(pk)' });
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }

  async getDelivery(ownerId: string, webhookId: string, deliveryId: string): Promise<Delivery | undefined> {
    const item = await this.table.get(deliveryKey(ownerId, webhookId, deliveryId));
    return item && deliveryOf(item);
  }

  async updateDelivery(delivery: Delivery, attemptsBefore: number): Promise<boolean> {
    try {
      await this.table.put({
        Item: toDeliveryItem(delivery),
        ConditionExpression: 'attempts = :before',
        ExpressionAttributeValues: { ':before': attemptsBefore },
      });
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }

  async deliveries(ownerId: string, webhookId: string, limit: number): Promise<Delivery[]> {
    const items = await this.table.queryUpTo(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': webhookPartition(ownerId), ':prefix': deliveryPrefix(webhookId) },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      limit,
    );
    return items.map(deliveryOf);
  }
}
