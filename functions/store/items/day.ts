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

/**
 * The Update of the day record in the block_slots transaction: id and created are set
 * once; the owner and `modified` on every write; `blockedHours` (a number set) gains the
 * hours by union, as blocks add to the ones already there; `version` counts the writes,
 * so that each one has its own number, concurrent ones included.
 */
export function dayRecordUpdate(owner: PublicUser, date: string, hours: readonly number[], newId: string, now: Date) {
  const addHours = hours.length > 0;
  return {
    Key: dayKey(owner.id, date),
    UpdateExpression:
      'SET #type = :type, userId = :userId, username = :username, email = :email, #date = :date, ' +
      'id = if_not_exists(id, :id), created = if_not_exists(created, :now), modified = :now ' +
      `ADD #version :one${addHours ? ', blockedHours :hours' : ''}`,
    ExpressionAttributeNames: { '#type': 'type', '#date': 'date', '#version': 'version' },
    ExpressionAttributeValues: {
      ':type': 'day',
      ':userId': owner.id,
      ':username': owner.username,
      ':email': owner.email,
      ':date': date,
      ':id': newId,
      ':now': now.toISOString(),
      ':one': 1,
      // The document client writes a Set of numbers as a DynamoDB number set (never empty).
      ...(addHours ? { ':hours': new Set(hours) } : {}),
    },
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
    if (item.type === 'day') state.record = { id: String(item.id), created: String(item.created), modified: String(item.modified) };
    else if (item.type === 'hour') state.slots.push(takenHourOf(item));
  }
  return state;
}

function takenHourOf(item: StoredItem): TakenHour {
  const hour: TakenHour = { hour: Number(item.hour), kind: item.kind === 'meeting' ? 'meeting' : 'blocked' };
  if (item.meetingId !== undefined) hour.meetingId = String(item.meetingId);
  return hour;
}
