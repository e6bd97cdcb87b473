import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { HourAlreadyBooked } from '../domain/errors';
import type { AvailabilityStore, DayState } from '../domain/ports';
import type { PublicUser } from '../domain/users';
import { failedConditions } from './cancellation';
import { blockedHourItem, dayPrefix, dayRecordUpdate, dayStateOf } from './items/day';
import { userKey } from './items/user';
import type { Table } from './table';

export class DynamoAvailabilityStore implements AvailabilityStore {
  constructor(private readonly table: Table) {}

  /** One consistent Query: the day's record and its taken hours share a key prefix. */
  async getDay(userId: string, date: string): Promise<DayState> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
      ExpressionAttributeValues: { ':pk': userKey(userId).pk, ':day': dayPrefix(date) },
      ConsistentRead: true,
    });
    return dayStateOf(items);
  }

  /**
   * One transaction: the day's record (created once; modified, owner, blocked hours and
   * write counter on every write) and one item per hour, each put only if the hour is
   * free or already blocked. An hour held by a meeting fails the condition and with it
   * the whole transaction. Its client request token makes a retry after a lost answer the
   * same write, so the record's counter (and with it `availability.changed`) moves once.
   */
  async blockHours(owner: PublicUser, date: string, hours: readonly number[], now: Date): Promise<void> {
    const TableName = this.table.name;
    try {
      await this.table.transact(
        [
          { Update: { TableName, ...dayRecordUpdate(owner, date, hours, ulid(now.getTime()), now) } },
          ...hours.map((hour) => ({
            Put: {
              TableName,
              Item: blockedHourItem(owner.id, date, hour),
              ConditionExpression: 'attribute_not_exists(pk) OR kind = :blocked',
              ExpressionAttributeValues: { ':blocked': 'blocked' },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
            },
          })),
        ],
        { clientRequestToken: randomUUID() },
      );
    } catch (error) {
      const first = failedConditions(error)?.[0];
      if (!first) throw error;
      throw new HourAlreadyBooked(hours[first.index - 1] as number);
    }
  }
}
