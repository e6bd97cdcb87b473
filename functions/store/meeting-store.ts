import { randomUUID } from 'node:crypto';
import { ConcurrentModification, SlotConflict, SlotUnavailable, Throttled, tooManyChanges } from '../domain/errors';
import type { Meeting } from '../domain/model';
import type { AttemptBudget, MeetingPage, MeetingRange, MeetingStore, PageRequest } from '../domain/ports';
import { hourHolders } from '../domain/responses';
import { formatSlot } from '../domain/time';
import type { PublicUser } from '../domain/users';
import { failedConditions } from './cancellation';
import { CursorKeyring, type CursorPosition, decodeCursor, encodeCursor, type ListingIndex } from './cursor';
import { attemptUpdate } from './items/attempts';
import { hourKey, meetingHourItem } from './items/day';
import type { StoredItem } from './items/item';
import {
  MEETING_OPTIONAL_ATTRIBUTES,
  meetingIdOf,
  meetingKey,
  meetingOf,
  memberPartition,
  memberStatusPartition,
  membershipTombstone,
  toMeetingItem,
  toMembershipItem,
} from './items/meeting';
import { DynamoAttemptLimiter, secondsLeft } from './limiter-store';
import { MeetingCounts } from './meeting-counts';
import { type Table, type TableQuery, TRANSACTION_MAX_ITEMS, updateSettingAll } from './table';
import { tableDefinition } from './table-definition';

/**
 * The participants whose hour the meeting holds: while active, all of them but the guests
 * who declined; none once cancelled. `replace` frees and takes hours by comparing them, so
 * edits, moves, cancelling, re-activating and answers all follow this one rule.
 */
const holders = (meeting: Meeting): PublicUser[] => hourHolders(meeting);

const guestsOf = (meeting: Meeting) => meeting.participants.filter((participant) => participant.id !== meeting.organiser.id);

/** The sort-key range of a listing's query. */
interface SortBounds {
  name: string;
  from: string;
  to: string | undefined;
}

/**
 * Where a page from `position` starts, given the listing's range now. A cursor issued under
 * the same filters can still lie outside it, because the default range starts "now" and
 * moves on: continuing past a position the range has left behind starts at the range's
 * edge (undefined: no start key); going towards it gives an empty page. DynamoDB would
 * refuse a start key outside the query's range.
 */
function startWithin(position: CursorPosition, bounds: SortBounds): CursorPosition | undefined | 'empty' {
  const sortKey = position.key[bounds.name] ?? '';
  const belowRange = sortKey < bounds.from;
  const aboveRange = bounds.to !== undefined && sortKey > bounds.to;
  if (position.direction === 'after') return aboveRange ? 'empty' : belowRange ? undefined : position;
  return belowRange ? 'empty' : aboveRange ? undefined : position;
}

export class DynamoMeetingStore implements MeetingStore {
  private keyring: CursorKeyring | undefined;
  /** Budgets too many to spend inside a booking's transaction are spent before it. */
  private readonly limiter: DynamoAttemptLimiter;
  private readonly counts: MeetingCounts;

  /** `cursorSecrets`: the deployment's secrets that seal listing cursors (the first seals). */
  constructor(
    private readonly table: Table,
    private readonly cursorSecrets: readonly string[] = [],
  ) {
    this.limiter = new DynamoAttemptLimiter(table);
    this.counts = new MeetingCounts(table);
  }

  /** Built when a listing first needs it: routes that never list need no cursor key. */
  private get cursors(): CursorKeyring {
    this.keyring ??= new CursorKeyring(this.cursorSecrets);
    return this.keyring;
  }

  /**
   * One transaction: the meeting, one hour item per participant (put only if that hour
   * is free: `attribute_not_exists`), one membership per guest, and the budgets spent
   * (each `ADD` only while under its limit). DynamoDB then guarantees that no two
   * meetings ever take one person's hour. A booking of so many people that the budgets
   * do not fit beside it spends them first, in a transaction of their own.
   */
  async create(meeting: Meeting, spend?: { budgets: readonly AttemptBudget[]; now: Date }): Promise<Meeting> {
    const TableName = this.table.name;
    const hours = holders(meeting).map((participant) => this.takeHour(meeting, participant));
    const written = [
      {
        Update: {
          TableName,
          ...updateSettingAll(toMeetingItem(meeting, randomUUID()), MEETING_OPTIONAL_ATTRIBUTES),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...hours,
      ...guestsOf(meeting).map((guest) => this.writeMembership(meeting, guest)),
    ];
    let budgets = spend?.budgets ?? [];
    if (spend && written.length + budgets.length > TRANSACTION_MAX_ITEMS) {
      const retryAfter = await this.limiter.spend(budgets, spend.now);
      if (retryAfter !== undefined) throw new Throttled(retryAfter);
      budgets = [];
    }
    const spent = spend ? budgets.map((budget) => ({ Update: attemptUpdate(TableName, budget, spend.now, 'spend') })) : [];
    try {
      await this.table.transact([...written, ...spent]);
      return meeting;
    } catch (error) {
      const failures = failedConditions(error);
      // A retry of a write that had been applied (its answer lost to a timeout) finds
      // its own meeting and hours: that is success, not a conflict.
      const onMeeting = failures?.filter((failure) => failure.index < written.length) ?? [];
      if (
        onMeeting.some((failure) => failure.index === 0) &&
        onMeeting.every((failure) => failure.index === 0 || failure.existing?.meetingId === meeting.id)
      ) {
        return meeting;
      }
      // A client's retry of a request whose first attempt landed after its answer was
      // lost (a deadline passed) finds the organiser's hour held by that attempt's meeting.
      const landed = await this.landedEarlier(meeting, failures?.find((failure) => failure.index === 1)?.existing?.meetingId);
      if (landed) return landed;
      // Past a budget, nothing else matters (as when budgets were spent first).
      const exhausted = (failures ?? []).flatMap((failure) => budgets[failure.index - written.length] ?? []);
      if (spend && exhausted.length > 0) throw new Throttled(Math.max(...exhausted.map((budget) => secondsLeft(budget, spend.now))));
      // Hour items follow the meeting item, in participant order: the first failure
      // names the first participant who is not free.
      const first = failures?.find((failure) => failure.index >= 1 && failure.index <= hours.length);
      if (!first) throw error;
      const participant = holders(meeting)[first.index - 1]!;
      throw first.existing?.kind === 'blocked' ? new SlotUnavailable(participant.email) : new SlotConflict(participant.email);
    }
  }

  /** The meeting `holderId` names, if an earlier attempt of the request that books `meeting` wrote it. */
  private async landedEarlier(meeting: Meeting, holderId: unknown): Promise<Meeting | undefined> {
    if (meeting.requestKey === undefined || typeof holderId !== 'string') return undefined;
    const holder = await this.get(holderId);
    return holder?.requestKey === meeting.requestKey ? holder : undefined;
  }

  /** The meeting item rewritten, only if still at `version` (the counter's bookkeeping on it is left as it is). */
  private rewriteMeeting(meeting: Meeting, writeId: string, version: number, recount: boolean) {
    // A change that leaves the organiser's entry counting as before (a title, an answer)
    // leaves its counting alone: nothing for the counter to do, nor to contend with.
    const { countAs, gsi3pk, gsi3sk, ...rest } = toMeetingItem(meeting, writeId);
    const item = recount ? { ...rest, countAs, gsi3pk, gsi3sk } : rest;
    const update = updateSettingAll(item, MEETING_OPTIONAL_ATTRIBUTES);
    return {
      Update: {
        TableName: this.table.name,
        ...update,
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#version': 'version' },
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':version': version },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
  }

  /** A guest's membership, written over any tombstone of an earlier removal (see `items/meeting.ts`). */
  private writeMembership(meeting: Meeting, guest: PublicUser) {
    return { Update: { TableName: this.table.name, ...updateSettingAll(toMembershipItem(meeting, guest), ['removed']) } };
  }

  /** A removed guest's membership leaves every listing; the counter deletes it once it has taken it off the counts. */
  private removeMembership(meetingId: string, guest: PublicUser) {
    const tombstone = membershipTombstone(meetingId, guest.id);
    return { Update: { TableName: this.table.name, ...updateSettingAll({ ...tombstone.key, ...tombstone.set }, tombstone.remove) } };
  }

  private takeHour(meeting: Meeting, participant: PublicUser) {
    return {
      Put: {
        TableName: this.table.name,
        Item: meetingHourItem(meeting, participant),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
  }

  async get(meetingId: string): Promise<Meeting | undefined> {
    const item = await this.table.get(meetingKey(meetingId));
    return item ? meetingOf(item) : undefined;
  }

  /**
   * One transaction: the meeting item put only if still at `before.version`; the hours
   * `after` no longer holds deleted only if they still belong to this meeting; the new
   * hours put only if free; memberships added, removed or re-indexed.
   */
  async replace(before: Meeting, after: Meeting): Promise<void> {
    const TableName = this.table.name;
    const heldKey = (meeting: Meeting, participant: PublicUser) =>
      JSON.stringify(hourKey(participant.id, meeting.slot.date, meeting.slot.hour));
    const heldAfter = new Set(holders(after).map((participant) => heldKey(after, participant)));
    const heldBefore = new Set(holders(before).map((participant) => heldKey(before, participant)));
    const freed = holders(before).filter((participant) => !heldAfter.has(heldKey(before, participant)));
    const taken = holders(after).filter((participant) => !heldBefore.has(heldKey(after, participant)));

    const guestsAfter = new Set(guestsOf(after).map((guest) => guest.id));
    const guestsBefore = new Set(guestsOf(before).map((guest) => guest.id));
    const reindexed = formatSlot(before.slot) !== formatSlot(after.slot) || before.status !== after.status;
    const removedGuests = guestsOf(before).filter((guest) => !guestsAfter.has(guest.id));
    const writtenGuests = guestsOf(after).filter((guest) => reindexed || !guestsBefore.has(guest.id));

    const writeId = randomUUID();
    const items = [
      this.rewriteMeeting(after, writeId, before.version, reindexed),
      ...taken.map((participant) => this.takeHour(after, participant)),
      ...freed.map((participant) => ({
        Delete: {
          TableName,
          Key: hourKey(participant.id, before.slot.date, before.slot.hour),
          ConditionExpression: 'meetingId = :meetingId',
          ExpressionAttributeValues: { ':meetingId': before.id },
        },
      })),
      ...removedGuests.map((guest) => this.removeMembership(before.id, guest)),
      ...writtenGuests.map((guest) => this.writeMembership(after, guest)),
    ];
    if (items.length > TRANSACTION_MAX_ITEMS) throw tooManyChanges(items.length, TRANSACTION_MAX_ITEMS);
    try {
      await this.table.transact(items);
    } catch (error) {
      const failures = failedConditions(error);
      if (!failures) throw error;
      // A retry of this very attempt, applied before its answer was lost, finds the
      // meeting written with this attempt's tag.
      const meetingNow = failures.find((failure) => failure.index === 0)?.existing;
      if (meetingNow?.writeId === writeId) return;
      // A stale version (or an hour no longer ours) means someone changed the meeting first.
      const takenFailure = failures.find((failure) => failure.index >= 1 && failure.index <= taken.length);
      if (failures.some((failure) => failure.index === 0 || failure.index > taken.length) || !takenFailure) {
        throw new ConcurrentModification();
      }
      const participant = taken[takenFailure.index - 1]!;
      throw takenFailure.existing?.kind === 'blocked' ? new SlotUnavailable(participant.email) : new SlotConflict(participant.email);
    }
  }

  /** The index and key range of a listing; undefined when the range is empty. */
  private rangeQuery(range: MeetingRange): { query: TableQuery; index: ListingIndex; bounds: SortBounds } | undefined {
    if (range.to !== undefined && range.to < range.from) return undefined;
    const [byTime, byStatusTime] = tableDefinition.globalSecondaryIndexes;
    const definition = range.status ? byStatusTime : byTime;
    const partitionValue = range.status ? memberStatusPartition(range.userId, range.status) : memberPartition(range.userId);
    return {
      index: { partitionName: definition.partitionKey, partitionValue, sortName: definition.sortKey },
      bounds: { name: definition.sortKey, from: range.from, to: range.to !== undefined ? `${range.to}#~` : undefined },
      query: {
        IndexName: definition.indexName,
        KeyConditionExpression: range.to !== undefined ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk AND #sk >= :from',
        ExpressionAttributeNames: { '#pk': definition.partitionKey, '#sk': definition.sortKey },
        ExpressionAttributeValues: {
          ':pk': partitionValue,
          ':from': range.from,
          // Sort keys are `<time_slot>#<id>`: `~` sorts after every id character.
          ...(range.to !== undefined ? { ':to': `${range.to}#~` } : {}),
        },
      },
    };
  }

  async page(range: MeetingRange, request: PageRequest): Promise<MeetingPage> {
    const listing = this.rangeQuery(range);
    if (!listing) return { meetings: [], hasNext: false, hasPrevious: false };
    let entries: StoredItem[];
    let hasNext: boolean;
    let hasPrevious: boolean;
    if (request.kind === 'offset') {
      entries = (await this.table.queryUpTo(listing.query, request.offset + request.limit + 1)).slice(request.offset);
      hasNext = entries.length > request.limit;
      hasPrevious = request.offset > 0;
      entries = entries.slice(0, request.limit);
    } else {
      const position = request.cursor ? decodeCursor(request.cursor, listing.index, range.filters, this.cursors) : undefined;
      const start = position && startWithin(position, listing.bounds);
      if (start === 'empty') return { meetings: [], hasNext: false, hasPrevious: false };
      const forward = position?.direction !== 'before';
      entries = await this.table.queryUpTo({ ...listing.query, ScanIndexForward: forward }, request.limit + 1, start?.key);
      const more = entries.length > request.limit;
      entries = entries.slice(0, request.limit);
      if (!forward) entries.reverse();
      hasNext = forward ? more : start !== undefined;
      hasPrevious = forward ? start !== undefined : more;
    }
    const first = entries[0] as Record<string, string> | undefined;
    const last = entries[entries.length - 1] as Record<string, string> | undefined;
    return {
      meetings: await this.readMeetings(entries.map((entry) => meetingIdOf(entry.pk))),
      before: first ? encodeCursor({ direction: 'before', key: first, filters: range.filters }, this.cursors) : undefined,
      after: last ? encodeCursor({ direction: 'after', key: last, filters: range.filters }, this.cursors) : undefined,
      hasNext: hasNext && entries.length > 0,
      hasPrevious: hasPrevious && entries.length > 0,
    };
  }

  /** The meetings, in the order of the ids, in one consistent batched read. */
  private async readMeetings(ids: string[]): Promise<Meeting[]> {
    if (ids.length === 0) return [];
    const items = await this.table.batchGet([...new Set(ids)].map(meetingKey));
    const found = new Map(items.map((item) => [String(item.id), meetingOf(item)]));
    return ids.map((id) => found.get(id)).filter((meeting): meeting is Meeting => meeting !== undefined);
  }

  /** One Query of the keys-only index, following its pages until `max` + 1 entries, then batched reads of the meetings. */
  async inRange(range: MeetingRange, max: number): Promise<{ meetings: Meeting[]; complete: boolean }> {
    const listing = this.rangeQuery(range);
    if (!listing) return { meetings: [], complete: true };
    const entries = await this.table.queryUpTo(listing.query, max + 1);
    const meetings = await this.readMeetings(entries.slice(0, max).map((entry) => meetingIdOf(entry.pk)));
    return { meetings, complete: entries.length <= max };
  }

  /** The user's counters, with what they have not caught up with yet (see `meeting-counts.ts`). */
  async count(range: MeetingRange): Promise<number> {
    const listing = this.rangeQuery(range);
    return listing ? this.counts.count(range, listing.query) : 0;
  }
}
