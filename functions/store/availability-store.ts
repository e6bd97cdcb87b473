import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { ConcurrentModification, HourAlreadyBooked } from '../domain/errors';
import type { AvailabilityStore, DayState } from '../domain/ports';
import type { PublicUser } from '../domain/users';
import { failedConditions } from './cancellation';
import { blockedHourItem, dayPrefix, dayRecordUpdate, dayStateOf, hourKey } from './items/day';
import type { StoredItem } from './items/item';
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
   * One consistent Query for the whole range (the dates' records and taken hours sort
   * between `DAY#<from>` and `DAY#<to>#~`), grouped by date.
   */
  async getDays(userId: string, from: string, to: string): Promise<Map<string, DayState>> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': userKey(userId).pk, ':from': dayPrefix(from), ':to': `${dayPrefix(to)}#~` },
      ConsistentRead: true,
    });
    const byDate = new Map<string, StoredItem[]>();
    for (const item of items) {
      const date = String(item.date);
      byDate.set(date, [...(byDate.get(date) ?? []), item]);
    }
    return new Map([...byDate].map(([date, dayItems]) => [date, dayStateOf(dayItems)]));
  }

  /**
   * One transaction: the day's record, replacing its blocked hours, only if still at the
   * version `before` was read at; each newly blocked hour put only if free or blocked (a
   * meeting's hour fails it, and the whole write); each hour no longer blocked deleted
   * only if it is a block (a meeting's hour is never touched).
   */
  async setBlocks(owner: PublicUser, date: string, before: DayState, hours: readonly number[], now: Date): Promise<void> {
    const TableName = this.table.name;
    const wanted = new Set(hours);
    const blocked = new Set(before.slots.filter((slot) => slot.kind === 'blocked').map((slot) => slot.hour));
    const added = [...wanted].filter((hour) => !blocked.has(hour));
    const removed = [...blocked].filter((hour) => !wanted.has(hour));
    const change = { set: [...wanted], readVersion: before.record?.version };
    try {
      await this.table.transact(
        [
          {
            Update: {
              TableName,
              ...dayRecordUpdate(owner, date, change, ulid(now.getTime()), now),
            },
          },
          ...added.map((hour) => ({
            Put: {
              TableName,
              Item: blockedHourItem(owner.id, date, hour),
              ConditionExpression: 'attribute_not_exists(pk) OR kind = :blocked',
              ExpressionAttributeValues: { ':blocked': 'blocked' },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
            },
          })),
          ...removed.map((hour) => ({
            Delete: {
              TableName,
              Key: hourKey(owner.id, date, hour),
              ConditionExpression: 'attribute_not_exists(pk) OR kind = :blocked',
              ExpressionAttributeValues: { ':blocked': 'blocked' },
            },
          })),
        ],
        { clientRequestToken: randomUUID() },
      );
    } catch (error) {
      const failures = failedConditions(error);
      if (!failures) throw error;
      const booked = failures.find((failure) => failure.index >= 1 && failure.index <= added.length);
      if (booked && booked.existing?.kind === 'meeting') throw new HourAlreadyBooked(added[booked.index - 1] as number);
      throw new ConcurrentModification();
    }
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
          { Update: { TableName, ...dayRecordUpdate(owner, date, { add: hours }, ulid(now.getTime()), now) } },
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
