import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentModification, NotFound, SlotConflict, SlotUnavailable, ValidationFailed } from '../domain/errors';
import type { Meeting } from '../domain/meetings';
import type { MeetingPage, MeetingRange, MeetingStore, PageRequest } from '../domain/ports';
import { formatSlot, slotOf } from '../domain/time';
import type { PublicUser } from '../domain/users';
import { failedConditions } from './cancellation';
import { type Key, keys } from './keys';
import { withRetries } from './retry';
import { tableDefinition } from './table-definition';

/** DynamoDB's bound on the items of one transaction. */
export const TRANSACTION_MAX_ITEMS = 100;

export function meetingFromItem(item: Record<string, unknown>): Meeting {
  return {
    id: String(item.id),
    title: String(item.title),
    description: (item.description ?? null) as string | null,
    slot: slotOf(String(item.timeSlot)),
    status: item.status as Meeting['status'],
    organiser: item.organiser as PublicUser,
    participants: item.participants as PublicUser[],
    version: Number(item.version),
    created: String(item.created),
    modified: String(item.modified),
  };
}

/** The meeting item: the meeting itself, indexed as the organiser's membership. */
export function meetingItem(meeting: Meeting): Record<string, unknown> {
  const timeSlot = formatSlot(meeting.slot);
  return {
    ...keys.meeting(meeting.id),
    ...keys.memberIndex(meeting.organiser.id, meeting.status, timeSlot, meeting.id),
    type: 'meeting',
    id: meeting.id,
    title: meeting.title,
    description: meeting.description,
    timeSlot,
    status: meeting.status,
    organiser: meeting.organiser,
    participants: meeting.participants,
    version: meeting.version,
    created: meeting.created,
    modified: meeting.modified,
  };
}

function hourItem(meeting: Meeting, participant: PublicUser): Record<string, unknown> {
  return {
    ...keys.hour(participant.id, meeting.slot.date, meeting.slot.hour),
    type: 'hour',
    kind: 'meeting',
    meetingId: meeting.id,
    userId: participant.id,
    date: meeting.slot.date,
    hour: meeting.slot.hour,
  };
}

function membershipItem(meeting: Meeting, guest: PublicUser): Record<string, unknown> {
  return {
    ...keys.membership(meeting.id, guest.id),
    ...keys.memberIndex(guest.id, meeting.status, formatSlot(meeting.slot), meeting.id),
    type: 'membership',
    meetingId: meeting.id,
    userId: guest.id,
  };
}

/** The participants whose hour the meeting holds: all of them while active, none once cancelled. */
function holders(meeting: Meeting): PublicUser[] {
  return meeting.status === 'active' ? meeting.participants : [];
}

const guestsOf = (meeting: Meeting) => meeting.participants.filter((participant) => participant.id !== meeting.organiser.id);

interface CursorPosition {
  direction: 'after' | 'before';
  key: Record<string, string>;
}

function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.direction === 'after' ? 'a' : 'b', position.key]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, partitionName: string, partitionValue: string, sortName: string): CursorPosition {
  try {
    const [direction, key] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, Record<string, unknown>];
    // Exactly the four keys of an index entry of this listing, each short: anything else
    // would be refused by DynamoDB as a starting key.
    const names = Object.keys(key ?? {}).sort();
    const expected = ['pk', 'sk', partitionName, sortName].sort();
    const wellFormed =
      names.length === 4 &&
      names.every((name, index) => name === expected[index]) &&
      Object.values(key).every((value) => typeof value === 'string' && value.length > 0 && value.length <= 512) &&
      String(key.pk).startsWith('MEETING#');
    if ((direction === 'a' || direction === 'b') && wellFormed && key[partitionName] === partitionValue) {
      return { direction: direction === 'a' ? 'after' : 'before', key: key as Record<string, string> };
    }
  } catch {
    // fall through: any unreadable cursor is simply invalid
  }
  throw new NotFound('Invalid cursor');
}

export class DynamoMeetingStore implements MeetingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One transaction: the meeting, one hour item per participant (put only if that hour
   * is free: `attribute_not_exists`), and one membership per guest. DynamoDB then
   * guarantees that no two meetings ever take one person's hour.
   */
  async create(meeting: Meeting): Promise<void> {
    const hours = meeting.participants.map((participant) => this.takeHour(meeting, participant));
    const memberships = guestsOf(meeting).map((guest) => ({ Put: { TableName: this.tableName, Item: membershipItem(meeting, guest) } }));
    const command = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: this.tableName, Item: meetingItem(meeting), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...hours,
        ...memberships,
      ],
    });
    try {
      await withRetries(() => this.client.send(command));
    } catch (error) {
      const failures = failedConditions(error);
      // A retry of a write that had been applied (its answer lost to a timeout) finds
      // its own meeting and hours: that is success, not a conflict.
      if (failures && failures.every((failure) => failure.index === 0 || failure.existing?.meetingId === meeting.id)) return;
      // Hour items follow the meeting item, in participant order: the first failure
      // names the first participant who is not free.
      const first = failures?.find((failure) => failure.index >= 1 && failure.index <= hours.length);
      if (!first) throw error;
      const participant = meeting.participants[first.index - 1]!;
      throw first.existing?.kind === 'blocked' ? new SlotUnavailable(participant.email) : new SlotConflict(participant.email);
    }
  }

  private takeHour(meeting: Meeting, participant: PublicUser) {
    return {
      Put: {
        TableName: this.tableName,
        Item: hourItem(meeting, participant),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
  }

  async get(meetingId: string): Promise<Meeting | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.meeting(meetingId), ConsistentRead: true }),
    );
    return Item ? meetingFromItem(Item) : undefined;
  }

  /**
   * One transaction: the meeting item put only if still at `before.version`; the hours
   * `after` no longer holds deleted only if they still belong to this meeting; the new
   * hours put only if free; memberships added, removed or re-indexed.
   */
  async replace(before: Meeting, after: Meeting): Promise<void> {
    const hourKey = (meeting: Meeting, participant: PublicUser) => JSON.stringify(keys.hour(participant.id, meeting.slot.date, meeting.slot.hour));
    const heldAfter = new Set(holders(after).map((participant) => hourKey(after, participant)));
    const heldBefore = new Set(holders(before).map((participant) => hourKey(before, participant)));
    const freed = holders(before).filter((participant) => !heldAfter.has(hourKey(before, participant)));
    const taken = holders(after).filter((participant) => !heldBefore.has(hourKey(after, participant)));

    const guestsAfter = new Set(guestsOf(after).map((guest) => guest.id));
    const guestsBefore = new Set(guestsOf(before).map((guest) => guest.id));
    const reindexed = formatSlot(before.slot) !== formatSlot(after.slot) || before.status !== after.status;
    const removedGuests = guestsOf(before).filter((guest) => !guestsAfter.has(guest.id));
    const writtenGuests = guestsOf(after).filter((guest) => reindexed || !guestsBefore.has(guest.id));

    const items = [
      {
        Put: {
          TableName: this.tableName,
          Item: meetingItem(after),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': before.version },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
      ...taken.map((participant) => this.takeHour(after, participant)),
      ...freed.map((participant) => ({
        Delete: {
          TableName: this.tableName,
          Key: keys.hour(participant.id, before.slot.date, before.slot.hour),
          ConditionExpression: 'meetingId = :meetingId',
          ExpressionAttributeValues: { ':meetingId': before.id },
        },
      })),
      ...removedGuests.map((guest) => ({ Delete: { TableName: this.tableName, Key: keys.membership(before.id, guest.id) } })),
      ...writtenGuests.map((guest) => ({ Put: { TableName: this.tableName, Item: membershipItem(after, guest) } })),
    ];
    if (items.length > TRANSACTION_MAX_ITEMS) {
      throw ValidationFailed.field(
        'participants',
        `This change would rewrite ${items.length} calendar entries at once; one atomic change holds at most ${TRANSACTION_MAX_ITEMS}. Change fewer participants at a time.`,
      );
    }
    try {
      await withRetries(() => this.client.send(new TransactWriteCommand({ TransactItems: items })));
    } catch (error) {
      const failures = failedConditions(error);
      if (!failures) throw error;
      // A retry of this very change, applied before its answer was lost, finds the
      // meeting already at the new version with this change's timestamp.
      const meetingNow = failures.find((failure) => failure.index === 0)?.existing;
      if (meetingNow && Number(meetingNow.version) === after.version && meetingNow.modified === after.modified) return;
      // A stale version (or an hour no longer ours) means someone changed the meeting first.
      const takenFailure = failures.find((failure) => failure.index >= 1 && failure.index <= taken.length);
      if (failures.some((failure) => failure.index === 0 || failure.index > taken.length) || !takenFailure) {
        throw new ConcurrentModification();
      }
      const participant = taken[takenFailure.index - 1]!;
      throw takenFailure.existing?.kind === 'blocked' ? new SlotUnavailable(participant.email) : new SlotConflict(participant.email);
    }
  }

  private rangeQuery(range: MeetingRange): { input: QueryCommandInput; partition: [string, string]; sortKey: string } | undefined {
    if (range.to !== undefined && range.to < range.from) return undefined;
    const [byTime, byStatusTime] = tableDefinition.globalSecondaryIndexes;
    const index = range.status ? byStatusTime : byTime;
    const indexKeys = keys.memberIndex(range.userId, range.status ?? 'active', range.from, '');
    const partitionValue = range.status ? indexKeys.gsi2pk : indexKeys.gsi1pk;
    return {
      partition: [index.partitionKey, partitionValue],
      sortKey: index.sortKey,
      input: {
        TableName: this.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: range.to !== undefined ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk AND #sk >= :from',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: {
          ':pk': partitionValue,
          ':from': range.from,
          // Sort keys are `<time_slot>#<id>`: `~` sorts after every id character.
          ...(range.to !== undefined ? { ':to': `${range.to}#~` } : {}),
        },
      },
    };
  }

  /** Index entries from `start`, in one direction, until `wanted` are read or the range ends. */
  private async readIndex(input: QueryCommandInput, wanted: number, forward: boolean, start?: Record<string, string>) {
    const entries: Record<string, string>[] = [];
    let startKey: Record<string, unknown> | undefined = start;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...input, ScanIndexForward: forward, Limit: wanted - entries.length, ExclusiveStartKey: startKey }),
      );
      entries.push(...((page.Items ?? []) as Record<string, string>[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && entries.length < wanted);
    return entries;
  }

  async page(range: MeetingRange, request: PageRequest): Promise<MeetingPage> {
    const query = this.rangeQuery(range);
    if (!query) return { meetings: [], hasNext: false, hasPrevious: false };
    let entries: Record<string, string>[];
    let hasNext: boolean;
    let hasPrevious: boolean;
    if (request.kind === 'offset') {
      entries = (await this.readIndex(query.input, request.offset + request.limit + 1, true)).slice(request.offset);
      hasNext = entries.length > request.limit;
      hasPrevious = request.offset > 0;
      entries = entries.slice(0, request.limit);
    } else {
      const position = request.cursor ? decodeCursor(request.cursor, ...query.partition, query.sortKey) : undefined;
      const forward = position?.direction !== 'before';
      entries = await this.readIndex(query.input, request.limit + 1, forward, position?.key);
      const more = entries.length > request.limit;
      entries = entries.slice(0, request.limit);
      if (!forward) entries.reverse();
      hasNext = forward ? more : true;
      hasPrevious = forward ? position !== undefined : more;
    }
    const first = entries[0];
    const last = entries[entries.length - 1];
    return {
      meetings: await this.readMeetings(entries.map((entry) => keys.meetingIdOf(entry.pk!))),
      before: first ? encodeCursor({ direction: 'before', key: first }) : undefined,
      after: last ? encodeCursor({ direction: 'after', key: last }) : undefined,
      hasNext: hasNext && entries.length > 0,
      hasPrevious: hasPrevious && entries.length > 0,
    };
  }

  /** The meetings, in the order of the ids, in one consistent batched read. */
  private async readMeetings(ids: string[]): Promise<Meeting[]> {
    if (ids.length === 0) return [];
    const found = new Map<string, Meeting>();
    let pending: Key[] = [...new Set(ids)].map((id) => keys.meeting(id));
    while (pending.length > 0) {
      const result = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending.slice(0, 100), ConsistentRead: true } } }),
      );
      pending = [...pending.slice(100), ...((result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[])];
      for (const item of result.Responses?.[this.tableName] ?? []) found.set(String(item.id), meetingFromItem(item));
    }
    return ids.map((id) => found.get(id)).filter((meeting): meeting is Meeting => meeting !== undefined);
  }

  /** `Select: COUNT` over the same key range as the page. */
  async count(range: MeetingRange): Promise<number> {
    const query = this.rangeQuery(range);
    if (!query) return 0;
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...query.input, Select: 'COUNT', ExclusiveStartKey: startKey }));
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }
}
