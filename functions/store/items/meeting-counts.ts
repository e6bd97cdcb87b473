/**
 * How many meetings each user has, by day and status, so that a listing's `count` reads a
 * few small items instead of the range it counts.
 *
 * - Each member's entry (the meeting item for its organiser, a membership for a guest)
 *   says what it counts as (`countAs`: `<status>#<time_slot>`; absent on a removed
 *   guest's tombstone) and what the counters hold for it (`counted`, written only by the
 *   counter, `meeting-counts.ts`). Every write that creates an entry or changes what it
 *   counts as also files it under the member's recount partition (`RECOUNT#<userId>`, the `byRecount` index) until the
 *   counter has caught up with it.
 * - A user's counters: one item per month (`USER#<id>` / `COUNT#<YYYY-MM>`), one number
 *   per status and day (`active05`, `cancelled31`).
 * - A user whose meetings have been counted from the start carries the marker
 *   `USER#<id>` / `COUNT#~` (written at sign-up); a user without it is counted by reading
 *   the range, as before counters existed.
 */
import type { MeetingStatus } from '../../domain/model';
import { type Key, userPartition } from './item';

const COUNT_PREFIX = 'COUNT#';

/** The user's counters of one month (`YYYY-MM`). */
export const monthCountsKey = (userId: string, month: string): Key => ({ pk: userPartition(userId), sk: `${COUNT_PREFIX}${month}` });

/** The marker: this user's meetings have all been counted. Sorts after every month. */
export const countedSinceKey = (userId: string): Key => ({ pk: userPartition(userId), sk: `${COUNT_PREFIX}~` });

export const countedSinceItem = (userId: string, created: string) => ({
  ...countedSinceKey(userId),
  type: 'countedSince' as const,
  userId,
  created,
});

/** The sort-key range of a user's counters from `month` on, marker included. */
export const countsFrom = (month: string) => ({ from: `${COUNT_PREFIX}${month}`, to: `${COUNT_PREFIX}~` });

export const isCountedSince = (sk: string) => sk === `${COUNT_PREFIX}~`;
export const monthOfCounts = (sk: string) => sk.slice(COUNT_PREFIX.length);

/** The recount index's partition of a user's entries the counters have not caught up with. */
export const recountPartition = (userId: string) => `RECOUNT#${userId}`;

/** What a member's entry counts as. */
export const countAs = (status: MeetingStatus, timeSlot: string) => `${status}#${timeSlot}`;

/** A `countAs` / `counted` value read back: the status, the date (`YYYY-MM-DD`) and its month. */
export function countedPlace(value: unknown): { status: string; date: string; month: string; day: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^([a-z]+)#((\d{4}-\d{2})-(\d{2})) /.exec(value);
  return match ? { status: match[1]!, date: match[2]!, month: match[3]!, day: match[4]! } : undefined;
}

/** The counter attribute of a status on a day of the month (`DD`). */
export const dayCounter = (status: string, day: string) => `${status}${day}`;
