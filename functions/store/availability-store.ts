import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { HourAlreadyBooked } from '../domain/errors';
import type { AvailabilityStore, DayState, TakenHour } from '../domain/ports';
import { failedConditions } from './cancellation';
import { keys } from './keys';
import { withRetries } from './retry';

export class DynamoAvailabilityStore implements AvailabilityStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One consistent Query: the day's record and its taken hours share a key prefix. */
  async getDay(userId: string, date: string): Promise<DayState> {
    const state: DayState = { slots: [] };
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
          ExpressionAttributeValues: { ':pk': keys.day(userId, date).pk, ':day': keys.dayPrefix(date) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.type === 'day') state.record = { id: item.id, created: item.created, modified: item.modified };
        else if (item.type === 'hour') state.slots.push({ hour: Number(item.hour), kind: item.kind, meetingId: item.meetingId } as TakenHour);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return state;
  }

  /**
   * One transaction: the day's record (created once, modified always) and one item per
   * hour, each put only if the hour is free or already blocked. An hour held by a meeting
   * fails the condition and with it the whole transaction.
   */
  async blockHours(userId: string, date: string, hours: readonly number[], now: Date): Promise<void> {
    const stamp = now.toISOString();
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.day(userId, date),
            UpdateExpression:
              'SET #type = :type, userId = :userId, #date = :date, id = if_not_exists(id, :id), created = if_not_exists(created, :now), modified = :now',
            ExpressionAttributeNames: { '#type': 'type', '#date': 'date' },
            ExpressionAttributeValues: { ':type': 'day', ':userId': userId, ':date': date, ':id': ulid(now.getTime()), ':now': stamp },
          },
        },
        ...hours.map((hour) => ({
          Put: {
            TableName: this.tableName,
            Item: { ...keys.hour(userId, date, hour), type: 'hour', kind: 'blocked', userId, date, hour },
            ConditionExpression: 'attribute_not_exists(pk) OR kind = :blocked',
            ExpressionAttributeValues: { ':blocked': 'blocked' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          },
        })),
      ],
    });
    try {
      await withRetries(() => this.client.send(command));
    } catch (error) {
      const failures = failedConditions(error);
      const first = failures?.[0];
      if (!first) throw error;
      throw new HourAlreadyBooked(hours[first.index - 1] as number);
    }
  }
}
