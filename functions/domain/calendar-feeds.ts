/**
 * Calendar feeds: a secret URL that shows a user's meetings to calendar applications, and
 * how one meeting reads as a calendar entry. What an entry holds is decided here; writing
 * it as iCalendar text is the HTTP layer's (`http/icalendar.ts`).
 */
import { randomBytes } from 'node:crypto';
import { NotFound } from './errors';
import type { Meeting } from './model';
import type { CalendarFeedStore, MeetingStore } from './ports';
import { responseOf } from './responses';
import { sha256 } from './secrets';
import { formatSlot, slotAt, slotStart } from './time';
import type { PublicUser } from './users';

/** The feed shows meetings from this many days before now to this many days after. */
export const FEED_DAYS_BEFORE = 30;
export const FEED_DAYS_AFTER = 365;
/**
 * The most meetings one feed shows (the earliest of the window): a bound on its reads and
 * on the answer's size, which a Lambda function's 6 MB response limit caps.
 */
export const FEED_MAX_EVENTS = 3000;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** What makes UIDs unique beyond the meeting id, the same on every host serving the API. */
export const UID_DOMAIN = 'calendar-booking-service';

/** RFC 5545 participation status of an attendee. */
export type Participation = 'ACCEPTED' | 'DECLINED' | 'NEEDS-ACTION';

/** One meeting as a calendar entry: what an iCalendar VEVENT says of it. */
export interface CalendarEntry {
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description: string | null;
  status: 'CONFIRMED' | 'CANCELLED';
  organiser: { name: string; email: string };
  attendees: { name: string; email: string; participation: Participation }[];
  created: Date;
  modified: Date;
}

/** A calendar to publish: its display name and its entries in time order. */
export interface CalendarDocument {
  name: string;
  entries: CalendarEntry[];
}

/**
 * How `participant` takes part in the meeting, from their answer: the organiser has always
 * accepted; a guest who has not answered needs to.
 */
export function participationOf(meeting: Meeting, participant: PublicUser): Participation {
  switch (responseOf(meeting, participant.id)) {
    case 'accepted':
      return 'ACCEPTED';
    case 'declined':
      return 'DECLINED';
    default:
      return 'NEEDS-ACTION';
  }
}

/**
 * The meeting as a calendar entry: the hour its slot names on the service zone's wall
 * clock, as UTC instants (so daylight-saving changes cannot shift it), every participant
 * an attendee (the organiser too), its version the entry's sequence, its UID stable.
 */
export function calendarEntryOf(meeting: Meeting, zone: string): CalendarEntry {
  const start = slotStart(meeting.slot, zone);
  return {
    uid: `${meeting.id}@${UID_DOMAIN}`,
    sequence: meeting.version,
    start: new Date(start),
    end: new Date(start + HOUR_MS),
    summary: meeting.title,
    description: meeting.description,
    status: meeting.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    organiser: { name: meeting.organiser.username, email: meeting.organiser.email },
    attendees: meeting.participants.map((participant) => ({
      name: participant.username,
      email: participant.email,
      participation: participationOf(meeting, participant),
    })),
    created: new Date(meeting.created),
    modified: new Date(meeting.modified),
  };
}

/**
 * The time slots a feed read at `now` shows, both included: from the hour 30 days
 * (of 24 hours) before now falls in to the hour 365 days after now falls in.
 */
export function feedWindow(zone: string, now: Date): { from: string; to: string } {
  return {
    from: formatSlot(slotAt(now.getTime() - FEED_DAYS_BEFORE * DAY_MS, zone)),
    to: formatSlot(slotAt(now.getTime() + FEED_DAYS_AFTER * DAY_MS, zone)),
  };
}

/** A feed's secret is 32 random bytes, base64url: 43 characters. */
const feedFilePattern = /^([A-Za-z0-9_-]{43})\.ics$/;

/** The secret a feed's file name (`<secret>.ics`) carries, or undefined when it cannot be one. */
export function feedSecretOf(fileName: string): string | undefined {
  return feedFilePattern.exec(fileName)?.[1];
}

/** A feed's addresses on the API at `origin` (`https://host`): for calendar apps, https and webcal. */
export function feedLinks(origin: string, secret: string): { url: string; webcal: string } {
  const url = `${origin}/api/calendar/${secret}.ics`;
  return { url, webcal: url.replace(/^https?:/, 'webcal:') };
}

/**
 * Gives the caller a new feed secret.
 * 1. Make 32 random bytes; only their SHA-256 is stored.
 * 2. In ONE transaction, store the new feed and delete the caller's previous one: its URL
 *    answers 404 from then on.
 */
export async function issueCalendarFeed(caller: PublicUser, deps: { feeds: CalendarFeedStore; now: Date }): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  await deps.feeds.replace(caller, sha256(secret), deps.now);
  return secret;
}

/** Ends the caller's feed, if any: its URL answers 404 from then on. */
export async function revokeCalendarFeed(caller: PublicUser, deps: { feeds: CalendarFeedStore }): Promise<void> {
  await deps.feeds.revoke(caller.id);
}

/**
 * The calendar a feed's file name shows.
 * 1. Find the feed by the SHA-256 of its secret (one read): NotFound for a name that is no
 *    secret, and for a secret that is unknown, replaced or revoked.
 * 2. Read its owner's meetings of the window (`feedWindow`), as organiser or guest, active
 *    and cancelled, in time order: one paginated query and batched reads, at most
 *    FEED_MAX_EVENTS of them.
 */
export async function readCalendarFeed(
  fileName: string,
  deps: { feeds: CalendarFeedStore; meetings: MeetingStore; zone: string; now: Date },
): Promise<CalendarDocument> {
  const secret = feedSecretOf(fileName);
  const owner = secret === undefined ? undefined : await deps.feeds.ownerOf(sha256(secret));
  if (!owner) throw new NotFound();
  const window = feedWindow(deps.zone, deps.now);
  const { meetings } = await deps.meetings.inRange({ userId: owner.id, ...window, filters: '' }, FEED_MAX_EVENTS);
  return { name: `Meetings of ${owner.username}`, entries: meetings.map((meeting) => calendarEntryOf(meeting, deps.zone)) };
}

/** One meeting as a calendar of its own. */
export function meetingCalendar(meeting: Meeting, zone: string): CalendarDocument {
  return { name: meeting.title, entries: [calendarEntryOf(meeting, zone)] };
}
