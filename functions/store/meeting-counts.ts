/**
 * A user's meetings counted by day and status (the items: `items/meeting-counts.ts`), so
 * that a listing's `count` costs the same for ten meetings and for thousands.
 *
 * The counters cannot be kept in the booking's own transaction: a 50-person booking
 * already writes 100 items (the meeting, 50 hours, 49 memberships), DynamoDB's limit. So
 * they are kept by `recount`, run from the table's stream on every change of a member's
 * entry, and a count adds to them whatever they have not caught up with yet:
 *
 *   count = counters of the whole days in the range
 *         + for each entry in the user's recount partition: (what it counts as now,
 *           if in the range) - (what the counters hold for it, if in the range)
 *         + the entries of a first, partly begun day, read from the listing index.
 *
 * `recount` moves an entry's contribution and its bookkeeping (`counted`, its place in the
 * recount partition) in one transaction, on the condition that the entry is still as it
 * read it: running it twice, or beside a write of the entry, never counts anything twice.
 */
import type { MeetingRange } from '../domain/ports';
import { type Key, type StoredItem, userPartition } from './items/item';
import { isMeetingPartition } from './items/meeting';
import {
  countedPlace,
  countsFrom,
  dayCounter,
  isCountedSince,
  monthCountsKey,
  monthOfCounts,
  recountPartition,
} from './items/meeting-counts';
import { failedConditions } from './cancellation';
import { type Table, type TableQuery, type TransactItem, TRANSACTION_MAX_ITEMS } from './table';
import { tableDefinition } from './table-definition';

/** How often `recount` reads an entry again after a write overtook it. */
const RECOUNT_ROUNDS = 10;

/** The part of a range the counters answer for: whole days, `YYYY-MM-DD`, bounds included. */
interface CountedDays {
  from: string;
  to: string | undefined;
  status: string | undefined;
}

const within = (days: CountedDays, value: unknown): boolean => {
  const place = countedPlace(value);
  return (
    place !== undefined &&
    (days.status === undefined || place.status === days.status) &&
    place.date >= days.from &&
    (days.to === undefined || place.date <= days.to)
  );
};

/** The member whose entry this is: the organiser of a meeting item, the guest of a membership. */
function memberOf(item: StoredItem): string | undefined {
  if (item.type === 'meeting') return (item.organiser as { id?: string } | undefined)?.id;
  if (item.type === 'membership') return typeof item.userId === 'string' ? item.userId : undefined;
  return undefined;
}

export class MeetingCounts {
  constructor(private readonly table: Table) {}

  /**
   * Brings the counters of the member of the entry at `key` up to date with it. Keys that
   * are not meetings' entries, and entries already counted, are left alone.
   */
  async recount(key: Key): Promise<void> {
    if (!isMeetingPartition(key.pk) || (key.sk !== 'MEETING' && !key.sk.startsWith('MEMBER#'))) return;
    for (let round = 0; round < RECOUNT_ROUNDS; round++) {
      const entry = await this.table.get(key);
      const userId = entry && memberOf(entry);
      if (!entry || !userId) return;
      const now = entry.countAs as string | undefined;
      const was = entry.counted as string | undefined;
      const tombstone = entry.removed === true;
      if (now === was && entry.gsi3pk === undefined && !tombstone) return;
      try {
        await this.table.transact([...this.moves(userId, was, now), this.settle(key, now, was, tombstone)]);
        return;
      } catch (error) {
        // The entry was written again after it was read: read it again.
        if (!failedConditions(error)?.some((failure) => failure.index >= 0)) throw error;
      }
    }
    throw new Error(`the entry ${key.pk} ${key.sk} kept changing while it was being counted`);
  }

  /** The counter updates that move one entry from `was` to `now` (none when they count alike). */
  private moves(userId: string, was: string | undefined, now: string | undefined): TransactItem[] {
    const from = countedPlace(was);
    const to = countedPlace(now);
    if (from && to && from.status === to.status && from.date === to.date) return [];
    const byMonth = new Map<string, Array<[string, number]>>();
    if (from) byMonth.set(from.month, [[dayCounter(from.status, from.day), -1]]);
    if (to) byMonth.set(to.month, [...(byMonth.get(to.month) ?? []), [dayCounter(to.status, to.day), 1]]);
    return [...byMonth].map(([month, changes]) => ({
      Update: {
        TableName: this.table.name,
        Key: monthCountsKey(userId, month),
        UpdateExpression: `SET #type = :type ADD ${changes.map((_, index) => `#c${index} :c${index}`).join(', ')}`,
        ExpressionAttributeNames: {
          '#type': 'type',
          ...Object.fromEntries(changes.map(([name], index) => [`#c${index}`, name])),
        },
        ExpressionAttributeValues: {
          ':type': 'meetingCounts',
          ...Object.fromEntries(changes.map(([, delta], index) => [`:c${index}`, delta])),
        },
      },
    }));
  }

  /**
   * The entry's own part of the transaction, on the condition that it still counts as
   * read: its `counted` becomes what it counts as and it leaves the recount partition; a
   * tombstone is deleted.
   */
  private settle(key: Key, now: string | undefined, was: string | undefined, tombstone: boolean): TransactItem {
    const names = { '#countAs': 'countAs', '#counted': 'counted' };
    const sameAs = (name: string, placeholder: string, value: string | undefined) =>
      value === undefined ? `attribute_not_exists(${name})` : `${name} = ${placeholder}`;
    const condition = [sameAs('#countAs', ':now', now), sameAs('#counted', ':was', was)].join(' AND ');
    const values = { ...(now !== undefined ? { ':now': now } : {}), ...(was !== undefined ? { ':was': was } : {}) };
    const common = {
      TableName: this.table.name,
      Key: key,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    };
    if (tombstone) {
      return {
        Delete: {
          ...common,
          ConditionExpression: `${condition} AND #removed = :removed`,
          ExpressionAttributeNames: { ...names, '#removed': 'removed' },
          ExpressionAttributeValues: { ...values, ':removed': true },
        },
      };
    }
    return {
      Update: {
        ...common,
        UpdateExpression: now === undefined ? 'REMOVE #counted, gsi3pk, gsi3sk' : 'SET #counted = :now REMOVE gsi3pk, gsi3sk',
      },
    };
  }

  /**
   * How many of the user's meetings `range` holds. `listing` is the range's own query on
   * the listing index (read for a first day the range begins part of the way into). Users
   * counted from before counters existed are counted by reading the range.
   *
   * The recount index is eventually consistent: it may still show an entry the counter
   * has just moved. So when it shows any, those entries and the counters are read again
   * together, in one snapshot, and the count comes from that: what the counters hold and
   * what each entry is counted as then agree. (One call more, while the counter is
   * behind; with more than a transaction's worth to read, the range itself is counted.)
   */
  async count(range: MeetingRange, listing: TableQuery): Promise<number> {
    const fromDate = range.from.slice(0, 10);
    const partial = range.from.slice(11) !== '00:00:00';
    const days: CountedDays = { from: partial ? `${fromDate}~` : fromDate, to: range.to?.slice(0, 10), status: range.status };
    const bounds = countsFrom(fromDate.slice(0, 7));
    const [counters, pending, firstDay] = await Promise.all([
      this.table.queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': userPartition(range.userId), ':from': bounds.from, ':to': bounds.to },
        ConsistentRead: true,
      }),
      this.table.queryAll({
        IndexName: recountIndex.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': recountIndex.partitionKey },
        ExpressionAttributeValues: { ':pk': recountPartition(range.userId) },
      }),
      partial ? this.table.count(firstDayOnly(listing, range)) : Promise.resolve(0),
    ]);
    if (!counters.some((item) => isCountedSince(item.sk))) return this.table.count(listing);
    if (pending.length === 0) return firstDay + countedWithin(days, counters);
    // The counters' months in range, and those the entries would move to or from.
    const months = new Set(counters.filter((item) => !isCountedSince(item.sk)).map((item) => monthOfCounts(item.sk)));
    for (const entry of pending) {
      for (const value of [entry.countAs, entry.counted]) {
        const place = countedPlace(value);
        if (place && within(days, value)) months.add(place.month);
      }
    }
    const keys = [...[...months].map((month) => monthCountsKey(range.userId, month)), ...pending.map(({ pk, sk }) => ({ pk, sk }))];
    if (keys.length > TRANSACTION_MAX_ITEMS) return this.table.count(listing);
    const snapshot = (await this.table.snapshot(keys)).filter((item): item is StoredItem => item !== undefined);
    const entries = snapshot.filter((item) => isMeetingPartition(item.pk));
    const compensation = entries.reduce((sum, entry) => sum + Number(within(days, entry.countAs)) - Number(within(days, entry.counted)), 0);
    return (
      firstDay +
      countedWithin(
        days,
        snapshot.filter((item) => !isMeetingPartition(item.pk)),
      ) +
      compensation
    );
  }
}

/** What the counter items hold for the days and status of a range. */
function countedWithin(days: CountedDays, counters: readonly StoredItem[]): number {
  let total = 0;
  for (const item of counters) {
    if (isCountedSince(item.sk)) continue;
    const month = monthOfCounts(item.sk);
    for (const [name, value] of Object.entries(item)) {
      const match = /^([a-z]+)(\d{2})$/.exec(name);
      if (match && typeof value === 'number' && within(days, `${match[1]}#${month}-${match[2]} `)) total += value;
    }
  }
  return total;
}

const recountIndex = tableDefinition.globalSecondaryIndexes[2];

/** The listing's query narrowed to the rest of its first day. */
function firstDayOnly(listing: TableQuery, range: MeetingRange): TableQuery {
  const values = listing.ExpressionAttributeValues ?? {};
  return {
    ...listing,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': values[':pk'], ':from': range.from, ':to': `${range.from.slice(0, 10)} 23:00:00#~` },
  };
}
