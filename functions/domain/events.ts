/**
 * Domain events (API Part C, "Domain events"): what integrations are told about committed
 * changes. Events are never emitted by handlers; they are derived here, by a pure mapping,
 * from the table's change records (its stream, in commit order). The store reads each
 * image (it alone knows attribute names and type tags); this module decides what the
 * change means and builds the contract's body.
 */
import { audienceOf } from './audience';
import type { Meeting } from './model';
import { describeMeeting } from './meetings';
import { answerChanges, type GuestAnswer, responseOf } from './responses';
import { formatSlot } from './time';
import type { PublicUser } from './users';

/** The body's schema version. */
export const EVENT_VERSION = '1' as const;

/**
 * Port: one change record of the table's stream, its images already unmarshalled to
 * plain objects (a number set as a `Set<number>`). The stream carries new and old images.
 */
export interface ChangeRecord {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** Orders the records of one item; the mapping keeps the order it is given. */
  sequenceNumber: string;
  /**
   * When the stream saw the change (a `Date`, or epoch seconds as Lambda's event gives
   * it), to the second. Not used for the event's timestamp: the item's own stamp is exact.
   */
  approximateCreationTime?: Date | number;
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

/** A user's date record, as a change of that user's blocks. */
export interface DayRecordImage {
  owner: PublicUser;
  date: string;
  /** Every hour the owner has blocked on the date, in any order. */
  blockedHours: number[];
  /** Grows by one with every write of the record. */
  version: number;
  /** When the write happened (ISO-8601). */
  modified: string;
}

/** What an image holds, for events: a meeting, a user's date record, or (undefined) neither. */
export type ChangedEntity = { kind: 'meeting'; meeting: Meeting } | { kind: 'day'; day: DayRecordImage };

/**
 * Port: reads one image of the table. Undefined for every item that no event is made
 * from: hours, memberships, credentials, guards, budgets...
 */
export type ImageReader = (image: Record<string, unknown>) => ChangedEntity | undefined;

/** A meeting as events show it: the API's meeting and its version. */
export type MeetingView = ReturnType<typeof describeMeeting> & { version: number };

/** The meeting fields whose edit `meeting.updated` (and `meeting.rescheduled`) names. */
export type ChangedField = 'title' | 'description' | 'participants';

interface Envelope<Type extends string, Data> {
  /** Stable: the same change always has the same id, however often it is mapped. */
  id: string;
  type: Type;
  /** When the change was committed (the item's own stamp), ISO-8601 UTC. */
  timestamp: string;
  version: typeof EVENT_VERSION;
  data: Data;
}

/** The data of each event type. */
export interface EventData {
  'meeting.booked': { meeting: MeetingView };
  'meeting.rescheduled': { meeting: MeetingView; previous_time_slot: string; changed: ChangedField[] };
  'meeting.updated': { meeting: MeetingView; changed: ChangedField[] };
  'meeting.cancelled': { meeting: MeetingView };
  'meeting.reactivated': { meeting: MeetingView };
  'meeting.responded': { meeting: MeetingView; participant: string; response: GuestAnswer };
  'availability.changed': { user: PublicUser; date: string; blocked_slots: number[] };
}

export type DomainEvent = { [Type in keyof EventData]: Envelope<Type, EventData[Type]> }[keyof EventData];

export type DomainEventType = DomainEvent['type'];

/**
 * The events of change records, in the order given: at most ONE per record, so one per
 * committed change, however many items its transaction wrote.
 *
 * - Meeting events come from the meeting item alone, availability events from the day
 *   record alone; every other item (hours, memberships, ...) and every removal gives none.
 * - Ids come from the change: `<meeting id>:<version>` for a meeting, `<user id>:<date>:<version>`
 *   for a day record (its write counter). Mapping the same record again, or a redelivered
 *   one, gives the same id; consumers dedupe on it. The timestamp is the item's `modified`.
 * - A new meeting item is `meeting.booked`. A changed one (a higher version than before) is,
 *   by precedence, one of:
 *   1. `meeting.cancelled` / `meeting.reactivated` when its status changed, whatever else
 *      changed with it (the meeting in `data` shows every field as it now is);
 *   2. `meeting.rescheduled` when its time slot changed, with `previous_time_slot` and
 *      `changed`: the fields edited in the same change (often none);
 *   3. `meeting.responded` when nothing of that changed and neither did any field, but one
 *      guest's answer did (to accepted or declined), naming that guest and the answer;
 *   4. `meeting.updated` with `changed`: "title", "description", "participants" (the
 *      participants' emails in order), in that order. A change that edits nothing still
 *      raised the version, and is `meeting.updated` with `changed: []`. The answers an
 *      edit changes with it (a guest added needs action, a move asks again) are told by
 *      the meeting's `responses`, not by `meeting.responded`.
 * - A rewrite of a meeting item that did not raise its version is no change: no event.
 * - A write of a day record is `availability.changed` with every hour its owner has blocked
 *   on that date, ascending (hours held by meetings are told by the meeting events), also
 *   when the write added none (the record's `modified` moved). A record written
 *   before it carried its owner, hours and counter gives none (the reader skips it).
 *
 * Throws for a meeting's MODIFY without its old image: the table's stream must carry both.
 */
export function eventsOf(records: readonly ChangeRecord[], read: ImageReader): DomainEvent[] {
  return records.flatMap((record) => {
    const event = eventOf(record, read);
    return event ? [event] : [];
  });
}

/** The event of one change record, if it makes one (see `eventsOf`). */
export function eventOf(record: ChangeRecord, read: ImageReader): DomainEvent | undefined {
  return publicationOf(record, read)?.event;
}

/** An event and the ids of the users it concerns (see `audience.ts`): what the publisher sends. */
export interface Publication {
  event: DomainEvent;
  audience: string[];
}

/** The event of one change record with its audience, if the change makes an event. */
export function publicationOf(record: ChangeRecord, read: ImageReader): Publication | undefined {
  if (record.eventName === 'REMOVE' || !record.newImage) return undefined;
  const after = read(record.newImage);
  if (!after) return undefined;
  const before = record.oldImage ? read(record.oldImage) : undefined;
  const event = changeEvent(record, before, after);
  return event && { event, audience: audienceOf(before, after) };
}

function changeEvent(record: ChangeRecord, before: ChangedEntity | undefined, after: ChangedEntity): DomainEvent | undefined {
  if (after.kind === 'day') return dayEvent(before?.kind === 'day' ? before.day : undefined, after.day);
  if (record.eventName === 'INSERT') return meetingEvent(undefined, after.meeting);
  if (before?.kind !== 'meeting') {
    throw new Error(`change ${record.sequenceNumber} of meeting ${after.meeting.id} has no old image: the stream must carry both images`);
  }
  return meetingEvent(before.meeting, after.meeting);
}

/** The meeting as events show it: exactly the API's meeting, plus its version. */
export function meetingView(meeting: Meeting): MeetingView {
  return { ...describeMeeting(meeting), version: meeting.version };
}

/** The fields edited from `before` to `after`, in the contract's order. */
export function changedFields(before: Meeting, after: Meeting): ChangedField[] {
  const emails = (meeting: Meeting) => JSON.stringify(meeting.participants.map((participant) => participant.email));
  const changed: ChangedField[] = [];
  if (before.title !== after.title) changed.push('title');
  if (before.description !== after.description) changed.push('description');
  if (emails(before) !== emails(after)) changed.push('participants');
  return changed;
}

function meetingEvent(before: Meeting | undefined, after: Meeting): DomainEvent | undefined {
  if (before && after.version <= before.version) return undefined;
  const id = `${after.id}:${after.version}`;
  const timestamp = isoTimestamp(after.modified);
  const meeting = meetingView(after);
  if (!before) return envelope(id, 'meeting.booked', timestamp, { meeting });
  if (before.status !== after.status) {
    return envelope(id, after.status === 'cancelled' ? 'meeting.cancelled' : 'meeting.reactivated', timestamp, { meeting });
  }
  const changed = changedFields(before, after);
  const previous = formatSlot(before.slot);
  if (previous !== formatSlot(after.slot)) {
    return envelope(id, 'meeting.rescheduled', timestamp, { meeting, previous_time_slot: previous, changed });
  }
  const answer = changed.length === 0 ? singleAnswer(before, after) : undefined;
  if (answer) return envelope(id, 'meeting.responded', timestamp, { meeting, ...answer });
  return envelope(id, 'meeting.updated', timestamp, { meeting, changed });
}

/** The one guest whose answer (now accepted or declined) is all that differs in their answers; else undefined. */
function singleAnswer(before: Meeting, after: Meeting): { participant: string; response: GuestAnswer } | undefined {
  const [guest, ...others] = answerChanges(before, after);
  if (!guest || others.length > 0) return undefined;
  const response = responseOf(after, guest.id);
  return response === 'needs_action' ? undefined : { participant: guest.email, response };
}

function dayEvent(before: DayRecordImage | undefined, after: DayRecordImage): DomainEvent | undefined {
  if (before && after.version <= before.version) return undefined;
  const { id, username, email } = after.owner;
  return envelope(`${id}:${after.date}:${after.version}`, 'availability.changed', isoTimestamp(after.modified), {
    user: { id, username, email },
    date: after.date,
    blocked_slots: [...after.blockedHours].sort((a, b) => a - b),
  });
}

/** The body, its keys in the contract's order. */
function envelope<Type extends keyof EventData>(id: string, type: Type, timestamp: string, data: EventData[Type]) {
  return { id, type, timestamp, version: EVENT_VERSION, data };
}

/** An ISO-8601 stamp in UTC (`...Z`), as the items write them. */
function isoTimestamp(stamp: string): string {
  return new Date(stamp).toISOString();
}
