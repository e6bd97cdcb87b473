/**
 * Meetings: booking one, and how a meeting is shown.
 */
import * as z from 'zod/mini';
import { ulid } from 'ulid';
import { BusinessRuleViolation, ValidationFailed, ruleMessages, unknownEmail } from './errors';
import type { Meeting } from './model';
import { type InvitationLimits, invitationBudgets } from './invitations';
import type { AttemptLimiter, MeetingStore, UserStore } from './ports';
import { responseOf, responsesOf } from './responses';
import { formatSlot, formatTimestamp, hasBegun, parseTimeSlot, type Slot, today } from './time';
import type { PublicUser } from './users';
import { emailList, messages, parseFields, text, typeMessage } from './validation';

export const TITLE_MAX = 60;
export const DESCRIPTION_MAX = 500;
/** Participants of one meeting, organiser included. */
export const MAX_PARTICIPANTS = 50;
/** How far ahead a meeting may be booked, in years, and the earliest date a slot may name. */
export const HORIZON_YEARS = 10;
export const EARLIEST_DATE = '1970-01-01';

export type { Meeting, MeetingStatus } from './model';

export const timeSlotMessages = {
  format: 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DD hh:mm:ss, YYYY-MM-DDThh:mm:ss[+HH:MM|-HH:MM|Z].',
  nonexistent: (zone: string) => `Invalid datetime for the timezone "${zone}".`,
  outsideHorizon: `Time slots must fall between ${EARLIEST_DATE} and ${HORIZON_YEARS} years from today.`,
} as const;

/** A meeting's fields as a client writes them, for booking and for changes. */
export const meetingFields = {
  title: text({ max: TITLE_MAX, trim: true }),
  description: z.nullable(text({ max: DESCRIPTION_MAX, trim: true, allowBlank: true, lines: true })),
  time_slot: z.string({ error: typeMessage(messages.string) }).check(
    z.maxLength(64, { error: messages.maxLength(64) }),
    z.meta({
      description: 'A whole hour: `YYYY-MM-DD HH:00:00` in the service time zone, or ISO-8601 with `T` and an offset or `Z`.',
      examples: ['2026-12-01 10:00:00', '2026-12-01T10:00:00Z'],
    }),
  ),
  participants: emailList(MAX_PARTICIPANTS),
};

export const newMeetingSchema = z.object({ ...meetingFields, description: z.optional(meetingFields.description) });

/**
 * Reads a time slot in the service zone, or throws the contract's error: a field error
 * for an unreadable value or one outside the horizon (from 1970 to 10 years ahead, after
 * conversion to the zone: an offset can push `9999-12-31` into year 10000, which no key,
 * list or change could handle), the hourly rule for a time off the hour.
 */
export function readTimeSlot(value: string, zone: string, now: Date): Slot {
  const parsed = parseTimeSlot(value, zone);
  if (!parsed.ok) {
    throw ValidationFailed.field('time_slot', parsed.reason === 'format' ? timeSlotMessages.format : timeSlotMessages.nonexistent(zone));
  }
  if (!parsed.wholeHour) throw new BusinessRuleViolation(ruleMessages.hourlyOnly);
  if (!withinHorizon(parsed.slot.date, zone, now)) throw ValidationFailed.field('time_slot', timeSlotMessages.outsideHorizon);
  return parsed.slot;
}

/** Whether a date lies in the bookable horizon: from 1970-01-01 to 10 years after today. */
function withinHorizon(date: string, zone: string, now: Date): boolean {
  const current = today(zone, now);
  const last = `${String(Number(current.slice(0, 4)) + HORIZON_YEARS).padStart(4, '0')}${current.slice(4)}`;
  return /^\d{4}-/.test(date) && date >= EARLIEST_DATE && date <= last;
}

/** The slot must not have begun. */
export function requireFuture(slot: Slot, zone: string, now: Date): void {
  if (hasBegun(slot, zone, now)) throw new BusinessRuleViolation(ruleMessages.pastDatetime(formatSlot(slot)));
}

/**
 * Resolves emails to users, keeping the organiser first and each person once. Throws the
 * contract's message for the first email, in the order given, that names no user.
 */
export async function resolveParticipants(organiser: PublicUser, emails: readonly string[], users: UserStore): Promise<PublicUser[]> {
  const wanted = [...new Set(emails.map((email) => email.toLowerCase()))].filter((email) => email !== organiser.email);
  const found = wanted.length > 0 ? await users.findByEmails(wanted) : new Map<string, PublicUser>();
  const participants = [organiser];
  for (const email of emails) {
    const user = found.get(email.toLowerCase());
    if (email.toLowerCase() === organiser.email) continue;
    if (!user) throw ValidationFailed.field('participants', unknownEmail(email));
    if (!participants.some((participant) => participant.id === user.id)) participants.push(user);
  }
  if (participants.length > MAX_PARTICIPANTS) {
    throw ValidationFailed.field('participants', messages.maxItems(MAX_PARTICIPANTS));
  }
  return participants;
}

/** What booking and changing a meeting work with. */
export interface MeetingDeps {
  meetings: MeetingStore;
  users: UserStore;
  caller: PublicUser;
  zone: string;
  now: Date;
  /** The caller's budget for meetings and invited guests. @default unlimited */
  invitations?: { limiter: AttemptLimiter; limits: InvitationLimits };
  /** The client request's idempotency scope, when it has one (see `Meeting.requestKey`). */
  requestKey?: string;
}

/**
 * Books a meeting organised by the caller (who has accepted it; every guest needs action).
 * 1. Validate title, description, participants and the time slot (whole hour, future).
 * 2. Resolve the participants' emails in one batched read (users found before are
 *    remembered); the organiser is always one.
 * 3. Write the meeting, take every participant's hour and spend the caller's budget of
 *    meetings and invited guests for the hour in ONE transaction: it fails, writing
 *    nothing, past the budget (429) or if anyone has blocked the hour or holds another
 *    meeting in it, unless that meeting is this request's own, written by an attempt
 *    whose answer was lost: then that meeting is the answer.
 */
export async function bookMeeting(body: unknown, deps: MeetingDeps): Promise<Meeting> {
  const input = parseFields(newMeetingSchema, body);
  const slot = readTimeSlot(input.time_slot, deps.zone, deps.now);
  requireFuture(slot, deps.zone, deps.now);
  const participants = await resolveParticipants(deps.caller, input.participants, deps.users);
  const budgets = deps.invitations
    ? invitationBudgets(deps.invitations.limits, deps.caller.id, { meetings: 1, guests: participants.length - 1 })
    : [];
  const stamp = deps.now.toISOString();
  const meeting: Meeting = {
    id: ulid(deps.now.getTime()),
    title: input.title,
    description: input.description ?? null,
    slot,
    status: 'active',
    organiser: deps.caller,
    participants,
    version: 1,
    created: stamp,
    modified: stamp,
    ...(deps.requestKey !== undefined && { requestKey: deps.requestKey }),
  };
  meeting.responses = responsesOf(meeting);
  return deps.meetings.create(meeting, { budgets, now: deps.now });
}

/** A meeting as the API shows it; `responses` is every participant's answer, by email, in participant order. */
export function describeMeeting(meeting: Meeting) {
  return {
    id: meeting.id,
    participants: meeting.participants.map((participant) => participant.email),
    organiser: meeting.organiser.email,
    created: formatTimestamp(meeting.created),
    modified: formatTimestamp(meeting.modified),
    title: meeting.title,
    description: meeting.description,
    time_slot: formatSlot(meeting.slot),
    status: meeting.status,
    responses: Object.fromEntries(meeting.participants.map((participant) => [participant.email, responseOf(meeting, participant.id)])),
  };
}
