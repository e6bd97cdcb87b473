/**
 * Reading and changing one meeting: only its participants see it, only its organiser
 * changes it, and every change keeps the booking rules.
 */
import * as z from 'zod/mini';
import { BusinessRuleViolation, NotFound, PermissionDenied, ruleMessages, ValidationFailed } from './errors';
import { spendInvitations } from './invitations';
import { type Meeting, type MeetingDeps, meetingFields, readTimeSlot, requireFuture, resolveParticipants } from './meetings';
import { MEETING_STATUSES } from './model';
import type { MeetingStore } from './ports';
import { responsesAfterChange } from './responses';
import { formatSlot, hasBegun } from './time';
import type { PublicUser } from './users';
import { isServiceId, messages, tryParseFields } from './validation';

export const changeSchema = z.object({
  ...meetingFields,
  status: z.enum(MEETING_STATUSES, {
    error: (issue) => (issue.input === undefined ? messages.required : `"${String(issue.input)}" is not a valid choice.`),
  }),
});

/** The meeting, for one of its participants; NotFound for anyone else, and for ids that cannot exist. */
export async function readMeeting(meetingId: string, deps: { meetings: MeetingStore; caller: PublicUser }): Promise<Meeting> {
  if (!isServiceId(meetingId)) throw new NotFound();
  const meeting = await deps.meetings.get(meetingId.toUpperCase());
  if (!meeting || !meeting.participants.some((participant) => participant.id === deps.caller.id)) throw new NotFound();
  return meeting;
}

/**
 * Changes a meeting (PUT: every field; PATCH: any of them).
 * 1. Find it: NotFound unless the caller takes part; PermissionDenied for a guest. Its
 *    version written by this very request (an attempt whose answer was lost) is the
 *    answer, unchanged. A new
 *    participants list is resolved (one batched read) at the same time, for the caller
 *    as organiser, and used only if the caller is.
 * 2. Validate the fields given. A new participants list must still hold the organiser.
 *    Answers follow the change (`responsesAfterChange`): kept guests keep theirs, added
 *    ones need action, and a move or re-activation asks again those who had accepted.
 * 3. A change that takes anyone's hour (a move, new guests, re-activation) needs an hour
 *    that has not begun; a meeting whose hour has begun cannot be moved.
 * 4. Spend the caller's budget of invited guests for those added (429 past it).
 * 5. Write it in ONE transaction that frees the hours no longer held, takes the new ones
 *    under the booking conditions, and applies only to the version read in step 1.
 */
export async function changeMeeting(meetingId: string, body: unknown, deps: MeetingDeps & { partial: boolean }): Promise<Meeting> {
  const parsed = tryParseFields(deps.partial ? z.partial(changeSchema) : changeSchema, body);
  const emails = parsed instanceof ValidationFailed ? undefined : parsed.value.participants;
  // Stryker disable next-line BooleanLiteral: equivalent: without a participants list the lookup's result is never read
  const keepsOrganiser = emails?.some((email) => email.toLowerCase() === deps.caller.email.toLowerCase()) ?? false;
  // Settled, never rejected, so that a refusal in step 1 wins over a lookup failure.
  const lookup = keepsOrganiser
    ? resolveParticipants(deps.caller, emails!, deps.users).then(
        (participants) => ({ participants }),
        (error: unknown) => ({ error }),
      )
    : undefined;

  const before = await readMeeting(meetingId, deps);
  if (before.organiser.id !== deps.caller.id) throw new PermissionDenied();
  if (parsed instanceof ValidationFailed) throw parsed;
  if (deps.requestKey !== undefined && before.requestKey === deps.requestKey) return before;
  const input = parsed.value;

  const after: Meeting = { ...before, version: before.version + 1, modified: deps.now.toISOString(), requestKey: deps.requestKey };
  if (deps.requestKey === undefined) delete after.requestKey;
  if (input.title !== undefined) after.title = input.title;
  if (input.description !== undefined) after.description = input.description;
  if (input.status !== undefined) after.status = input.status;
  if (input.time_slot !== undefined) after.slot = readTimeSlot(input.time_slot, deps.zone, deps.now);
  if (input.participants !== undefined) {
    if (!lookup) throw new BusinessRuleViolation(ruleMessages.organiserRemoved);
    const resolved = await lookup;
    if ('error' in resolved) throw resolved.error;
    after.participants = resolved.participants;
  }
  after.responses = responsesAfterChange(before, after);

  const moved = formatSlot(after.slot) !== formatSlot(before.slot);
  if (moved && hasBegun(before.slot, deps.zone, deps.now)) {
    throw new BusinessRuleViolation(ruleMessages.pastDatetime(formatSlot(before.slot)));
  }
  if (takesNewHours(before, after)) requireFuture(after.slot, deps.zone, deps.now);
  const invited = after.participants.filter((person) => !before.participants.some((earlier) => earlier.id === person.id)).length;
  if (deps.invitations) await spendInvitations({ ...deps.invitations, now: deps.now }, deps.caller.id, { meetings: 0, guests: invited });

  await deps.meetings.replace(before, after);
  return after;
}

/** Whether `after` holds an hour of someone that `before` did not. */
function takesNewHours(before: Meeting, after: Meeting): boolean {
  if (after.status !== 'active') return false;
  if (before.status !== 'active' || formatSlot(after.slot) !== formatSlot(before.slot)) return true;
  const held = new Set(before.participants.map((participant) => participant.id));
  return after.participants.some((participant) => !held.has(participant.id));
}
