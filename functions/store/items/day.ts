/**
 * A user's date: its record (`USER#<id>` / `DAY#<date>`: id, created, modified of the
 * date's availability, its owner, the hours blocked on it and a write counter) and one
 * item per taken hour (`DAY#<date>#<HH>`), blocked or held by a meeting. An hour item's
 * existence is the lock that stops double-booking; the record is what a change of the
 * user's blocks is told from (`availability.changed`).
 */
import type { DayRecordImage } from '../../domain/events';
import type { DayState, TakenHour } from '../../domain/ports';
import type { Meeting } from '../../domain/model';
import type { PublicUser } from '../../domain/users';
import { type Key, type StoredItem, userPartition } from './item';

export const dayKey = (userId: string, date: string): Key => ({ pk: userPartition(userId), sk: `DAY#${date}` });

/** The sort-key prefix of a date's record and taken hours, for the one-query day read. */
export const dayPrefix = (date: string) => `DAY#${date}`;

export const hourKey = (userId: string, date: string, hour: number): Key => ({
  pk: userPartition(userId),
  sk: `${dayPrefix(date)}#${String(hour).padStart(2, '0')}`,
});

export const blockedHourItem = (userId: string, date: string, hour: number) => ({
  ...hourKey(userId, date, hour),
  type: 'hour' as const,
  kind: 'blocked' as const,
  userId,
  date,
  hour,
});

export const meetingHourItem = (meeting: Meeting, participant: PublicUser) => ({
  ...hourKey(participant.id, meeting.slot.date, meeting.slot.hour),
  type: 'hour' as const,
  kind: 'meeting' as const,
  meetingId: meeting.id,
  userId: participant.id,
  date: meeting.slot.date,
  hour: meeting.slot.hour,
});

/** How a write changes the day's blocks: adds hours to them, or makes them exactly a list. */
export type BlocksChange = { add: readonly number[] } | { set: readonly number[]; readVersion: number | undefined };

/**
 * The Update of the day record in a transaction that changes its blocks: id and created
 * are set once; the owner and `modified` on every write; `version` counts the writes, so
 * that each one has its own number, concurrent ones included. `blockedHours` (a number
 * set, never empty: removed instead) gains hours by union for block_slots, or becomes
 * exactly a list, then only if the record is still at the version read (`undefined`: no
 * record, or one written before versions were counted).
 */
export function dayRecordUpdate(owner: PublicUser, date: string, change: BlocksChange, newId: string, now: Date) {
  const set = [
    '#type = :type',
    'userId = :userId',
    'username = :username',
    'email = :email',
    '#date = :date',
    'id = if_not_exists(id, :id)',
    'created = if_not_exists(created, :now)',
    'modified = :now',
  ];
  const add = ['#version :one'];
  const values: Record<string, unknown> = {
    ':type': 'day',
    ':userId': owner.id,
    ':username': owner.username,
    ':email': owner.email,
    ':date': date,
    ':id': newId,
    ':now': now.toISOString(),
    ':one': 1,
  };
  let remove = '';
  let condition: string | undefined;
  const hours = 'add' in change ? change.add : change.set;
  // The document client writes a Set of numbers as a DynamoDB number set.
  if (hours.length > 0) values[':hours'] = new Set(hours);
  if ('add' in change) {
    if (hours.length > 0) add.push('blockedHours :hours');
  } else {
    if (hours.length > 0) set.push('blockedHours = :hours');
    else remove = ' REMOVE blockedHours';
    condition = change.readVersion === undefined ? 'attribute_not_exists(#version)' : '#version = :read';
    if (change.readVersion !== undefined) values[':read'] = change.readVersion;
  }
  return {
    Key: dayKey(owner.id, date),
    UpdateExpression: `SET ${set.join(', ')} ADD ${add.join(', ')}${remove}`,
    ...(condition !== undefined && { ConditionExpression: condition }),
    ExpressionAttributeNames: { '#type': 'type', '#date': 'date', '#version': 'version' },
    ExpressionAttributeValues: values,
  };
}

/**
 * The day record as a change of the user's blocks, from an item or a stream image;
 * undefined for a record written before it carried its owner, hours and counter.
 */
export function dayRecordOf(item: StoredItem): DayRecordImage | undefined {
  const { userId, username, email, date, blockedHours, version, modified } = item;
  if (typeof username !== 'string' || typeof email !== 'string' || version === undefined || modified === undefined) return undefined;
  const hours = blockedHours instanceof Set || Array.isArray(blockedHours) ? [...(blockedHours as Iterable<unknown>)] : [];
  return {
    owner: { id: String(userId), username, email },
    date: String(date),
    blockedHours: hours.map(Number),
    version: Number(version),
    modified: String(modified),
  };
}

/** The day's state from the items of its one query. */
export function dayStateOf(items: readonly StoredItem[]): DayState {
  const state: DayState = { slots: [] };
  for (const item of items) {
    if (item.type === 'day') {
      state.record = { id: String(item.id), created: String(item.created), modified: String(item.modified) };
      if (item.version !== undefined) state.record.version = Number(item.version);
    } else if (item.type === 'hour') state.slots.push(takenHourOf(item));
  }
  return state;
}

function takenHourOf(item: StoredItem): TakenHour {
  const hour: TakenHour = { hour: Number(item.hour), kind: item.kind === 'meeting' ? 'meeting' : 'blocked' };
  if (item.meetingId !== undefined) hour.meetingId = String(item.meetingId);
  return hour;
}
