/**
 * The table's invariants, checked from its items (pure: the items are read by the
 * operator's tool, `local/table-scan.ts`, never by a path of the service). Used by
 * `npm run check-integrity` and after every race and fault test.
 */
import { responseOf } from '../domain/responses';
import type { PublicUser } from '../domain/users';
import { hourKey } from './items/day';
import { emailGuardKey } from './items/email-guard';
import type { MeetingStatus } from '../domain/model';
import { meetingOf, memberIndex } from './items/meeting';
import { countAs, countedPlace, dayCounter, monthOfCounts, recountPartition } from './items/meeting-counts';
import { usernameGuardKey } from './items/username-guard';

export type Item = Record<string, unknown> & { pk: string; sk: string };

/**
 * What is wrong among `items`; empty when every invariant holds. With `userIds`, only the
 * items of those users and of meetings they take part in are judged (tests share a table).
 */
export function integrityProblems(items: Item[], userIds?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const meetings = new Map<string, Item>();
  const hours: Item[] = [];
  const memberships = new Map<string, Item>();
  const users = new Map<string, Item>();
  const guards: Item[] = [];
  const days: Item[] = [];
  const tombstones: Item[] = [];
  const counters: Item[] = [];
  const countedSince = new Set<string>();
  for (const item of items) {
    if (item.type === 'meeting') meetings.set(String(item.id), item);
    else if (item.type === 'hour') hours.push(item);
    else if (item.type === 'membership') {
      if (item.removed === true) tombstones.push(item);
      else memberships.set(`${item.meetingId}/${item.userId}`, item);
    } else if (item.type === 'meetingCounts') counters.push(item);
    else if (item.type === 'countedSince') countedSince.add(String(item.userId));
    else if (item.type === 'user') users.set(String(item.id), item);
    else if (item.type === 'usernameGuard' || item.type === 'emailGuard') guards.push(item);
    else if (item.type === 'day') days.push(item);
  }
  const judged = (userId: string) => !userIds || userIds.has(userId);
  const participantsOf = (meeting: Item) => (meeting.participants as PublicUser[]) ?? [];
  // A guest who declined has no hour held by the meeting (read as the service reads it:
  // meetings stored before guests could answer have every guest needing action).
  const declined = (meeting: Item, userId: string) => responseOf(meetingOf(meeting), userId) === 'declined';

  // Every hour held for a meeting belongs to an active meeting that lists that user then,
  // who has not declined it.
  const held = new Set<string>();
  for (const hour of hours) {
    const userId = String(hour.userId);
    if (!judged(userId)) continue;
    if (
      hour.pk !== hourKey(userId, String(hour.date), Number(hour.hour)).pk ||
      hour.sk !== hourKey(userId, String(hour.date), Number(hour.hour)).sk
    ) {
      problems.push(`hour item ${hour.pk} ${hour.sk} does not match its own user, date and hour`);
    }
    if (hour.kind !== 'meeting') continue;
    held.add(`${hour.meetingId}/${userId}`);
    const meeting = meetings.get(String(hour.meetingId));
    const where = `${userId} at ${hour.date} ${hour.hour}`;
    if (!meeting) problems.push(`hour of ${where} points to missing meeting ${hour.meetingId}`);
    else if (meeting.status !== 'active') problems.push(`hour of ${where} is held by ${meeting.status} meeting ${meeting.id}`);
    else if (!participantsOf(meeting).some((participant) => participant.id === userId)) {
      problems.push(`hour of ${where} is held by meeting ${meeting.id}, which does not list that user`);
    } else if (declined(meeting, userId)) {
      problems.push(`hour of ${where} is held by meeting ${meeting.id}, which that user declined`);
    } else if (meeting.timeSlot !== `${hour.date} ${String(hour.hour).padStart(2, '0')}:00:00`) {
      problems.push(`hour of ${where} is held by meeting ${meeting.id}, which is at ${meeting.timeSlot}`);
    }
  }

  // A day record that counts its writes lists exactly the hours its owner has blocked.
  const blockedByDay = new Map<string, number[]>();
  for (const hour of hours) {
    if (hour.kind !== 'blocked') continue;
    const day = `${hour.userId}/${hour.date}`;
    blockedByDay.set(day, [...(blockedByDay.get(day) ?? []), Number(hour.hour)]);
  }
  for (const record of days) {
    const userId = String(record.userId);
    if (!judged(userId) || record.version === undefined) continue;
    const listed = [...((record.blockedHours as Iterable<unknown> | undefined) ?? [])].map(Number).sort((a, b) => a - b);
    const blocked = (blockedByDay.get(`${userId}/${record.date}`) ?? []).sort((a, b) => a - b);
    if (listed.join() !== blocked.join()) {
      problems.push(
        `day record of ${userId} on ${record.date} lists blocks [${listed.join()}] but the blocked hours are [${blocked.join()}]`,
      );
    }
  }

  for (const meeting of meetings.values()) {
    const participants = participantsOf(meeting);
    if (userIds && !participants.some((participant) => userIds.has(participant.id))) continue;
    const organiserId = (meeting.organiser as PublicUser).id;
    if (participants[0]?.id !== organiserId) problems.push(`meeting ${meeting.id} does not list its organiser first`);
    if (new Set(participants.map((participant) => participant.id)).size !== participants.length) {
      problems.push(`meeting ${meeting.id} lists a participant twice`);
    }
    for (const participant of participants) {
      if (!judged(participant.id)) continue;
      // An active meeting holds exactly one hour per participant who has not declined it;
      // a cancelled one none.
      const holds = held.has(`${meeting.id}/${participant.id}`);
      if (meeting.status === 'active' && !holds && !declined(meeting, participant.id)) {
        problems.push(`active meeting ${meeting.id} holds no hour of ${participant.id}`);
      }
      if (meeting.status !== 'active' && holds)
        problems.push(`${meeting.status} meeting ${meeting.id} still holds an hour of ${participant.id}`);
      if (participant.id !== organiserId && !memberships.has(`${meeting.id}/${participant.id}`)) {
        problems.push(`guest ${participant.id} of meeting ${meeting.id} has no membership`);
      }
    }
  }

  // Memberships belong to guests of existing meetings and are indexed at their time and status.
  for (const membership of memberships.values()) {
    const userId = String(membership.userId);
    if (!judged(userId)) continue;
    const meeting = meetings.get(String(membership.meetingId));
    if (!meeting || !participantsOf(meeting).some((participant) => participant.id === userId)) {
      problems.push(`membership of ${userId} in meeting ${membership.meetingId}, which does not list them`);
      continue;
    }
    const index = memberIndex(userId, String(meeting.status), String(meeting.timeSlot), String(meeting.id));
    if (membership.gsi1sk !== index.gsi1sk || membership.gsi2pk !== index.gsi2pk) {
      problems.push(`membership of ${userId} in meeting ${meeting.id} is indexed at a stale time or status`);
    }
    if (membership.countAs !== undefined && membership.countAs !== countAs(meeting.status as MeetingStatus, String(meeting.timeSlot))) {
      problems.push(`membership of ${userId} in meeting ${meeting.id} counts as a stale time or status`);
    }
  }

  problems.push(...countingProblems([...meetings.values(), ...memberships.values(), ...tombstones], counters, countedSince, judged));

  // Guards name existing users with the same username and email.
  for (const guard of guards) {
    const userId = String(guard.id);
    if (!judged(userId)) continue;
    const user = users.get(userId);
    const claimed = guard.type === 'usernameGuard' ? String(guard.username).toLowerCase() : String(guard.email).toLowerCase();
    if (!user) problems.push(`${guard.pk} names missing user ${userId}`);
    else if (
      guard.pk !== (guard.type === 'usernameGuard' ? usernameGuardKey(String(user.username)).pk : emailGuardKey(String(user.email)).pk)
    ) {
      problems.push(`${guard.pk} does not match user ${userId} (${claimed})`);
    }
  }
  for (const user of users.values()) {
    if (!judged(String(user.id))) continue;
    for (const key of [usernameGuardKey(String(user.username)), emailGuardKey(String(user.email))]) {
      if (!guards.some((guard) => guard.pk === key.pk && guard.id === user.id)) problems.push(`user ${user.id} has no ${key.pk} guard`);
    }
  }
  return problems;
}

/**
 * Whether a problem may come from reading the table in parts while the meeting counter
 * moved an entry and its counter together (a Scan is no snapshot): read again to tell.
 */
export const mayBeTornRead = (problem: string) => problem.startsWith('counter ');

/**
 * The meeting counters (`items/meeting-counts.ts`): every entry counts as its meeting's
 * status and time; the counters hold exactly what the entries say they were counted as;
 * an entry not counted as it counts is filed for recount.
 */
function countingProblems(
  entries: Item[],
  counters: Item[],
  countedSince: ReadonlySet<string>,
  judged: (userId: string) => boolean,
): string[] {
  const problems: string[] = [];
  const expected = new Map<string, number>();
  const memberOf = (entry: Item) => String(entry.type === 'meeting' ? (entry.organiser as PublicUser).id : entry.userId);
  for (const entry of entries) {
    const userId = memberOf(entry);
    if (!judged(userId)) continue;
    const what = `${entry.type === 'meeting' ? 'meeting' : 'membership'} entry of ${userId} in ${entry.pk}`;
    if (
      entry.type === 'meeting' &&
      entry.countAs !== undefined &&
      entry.countAs !== countAs(entry.status as MeetingStatus, String(entry.timeSlot))
    ) {
      problems.push(`${what} counts as ${String(entry.countAs)}, not as its status and time`);
    }
    // A user counted from the start has every entry say what it counts as (a write by a
    // version before counters would not, and the counters would miss it).
    if (countedSince.has(userId) && entry.countAs === undefined && entry.removed !== true) {
      problems.push(`${what} says nothing of what it counts as, though its member is counted from the start`);
    }
    if (entry.countAs !== entry.counted && entry.gsi3pk !== recountPartition(userId)) {
      problems.push(`${what} is counted as ${String(entry.counted)} but counts as ${String(entry.countAs)}, and is not filed for recount`);
    }
    const place = countedPlace(entry.counted);
    if (place) {
      const bucket = `${userId}/${place.month}/${dayCounter(place.status, place.day)}`;
      expected.set(bucket, (expected.get(bucket) ?? 0) + 1);
    }
  }
  const held = new Map<string, number>();
  for (const counter of counters) {
    const userId = String(counter.pk).slice('USER#'.length);
    if (!judged(userId)) continue;
    for (const [name, value] of Object.entries(counter)) {
      if (/^[a-z]+\d{2}$/.test(name) && typeof value === 'number' && value !== 0) {
        held.set(`${userId}/${monthOfCounts(String(counter.sk))}/${name}`, value);
      }
    }
  }
  for (const bucket of new Set([...expected.keys(), ...held.keys()])) {
    if ((expected.get(bucket) ?? 0) !== (held.get(bucket) ?? 0)) {
      problems.push(`counter ${bucket} holds ${held.get(bucket) ?? 0} but ${expected.get(bucket) ?? 0} entries are counted there`);
    }
  }
  return problems;
}
