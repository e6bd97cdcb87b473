/**
 * Participants' answers to a meeting (API Part C, "Guests answer"): who has accepted,
 * declined or not yet answered, how answers live through an organiser's changes, and so
 * whose hour a meeting holds.
 */
import type { Meeting, ParticipantResponse } from './model';
import { formatSlot } from './time';
import type { PublicUser } from './users';

export type { ParticipantResponse } from './model';

/** What a guest may answer. */
export const GUEST_ANSWERS = ['accepted', 'declined'] as const;
export type GuestAnswer = (typeof GUEST_ANSWERS)[number];

/**
 * A participant's answer. The organiser has always accepted; a guest without an answer
 * needs action (so a meeting stored before guests could answer reads that way).
 */
export function responseOf(meeting: Meeting, userId: string): ParticipantResponse {
  if (userId === meeting.organiser.id) return 'accepted';
  return meeting.responses?.[userId] ?? 'needs_action';
}

/** Every participant's answer by user id, in participant order: what the meeting stores. */
export function responsesOf(meeting: Meeting): Record<string, ParticipantResponse> {
  return Object.fromEntries(meeting.participants.map((participant) => [participant.id, responseOf(meeting, participant.id)]));
}

/**
 * The participants whose hour the meeting holds: while it is active, the organiser and
 * every guest who has not declined; none once it is cancelled.
 */
export function hourHolders(meeting: Meeting): PublicUser[] {
  if (meeting.status !== 'active') return [];
  return meeting.participants.filter((participant) => responseOf(meeting, participant.id) !== 'declined');
}

/**
 * The answers after an organiser's change from `before` to `after` (whose other fields
 * are already changed):
 * - a participant the change keeps keeps their answer; one it adds needs action (also a
 *   guest removed by an earlier change and now added again: their old answer went with them);
 * - a move to another hour, or a re-activation, asks again: a guest who had accepted
 *   needs action; a guest who declined stays declined (and so holds no hour then);
 * - the organiser has accepted.
 */
export function responsesAfterChange(before: Meeting, after: Meeting): Record<string, ParticipantResponse> {
  const askedAgain = formatSlot(before.slot) !== formatSlot(after.slot) || (before.status !== 'active' && after.status === 'active');
  const kept = new Set(before.participants.map((participant) => participant.id));
  return Object.fromEntries(
    after.participants.map((participant): [string, ParticipantResponse] => {
      if (participant.id === after.organiser.id) return [participant.id, 'accepted'];
      if (!kept.has(participant.id)) return [participant.id, 'needs_action'];
      const earlier = responseOf(before, participant.id);
      return [participant.id, askedAgain && earlier === 'accepted' ? 'needs_action' : earlier];
    }),
  );
}

/** The participants whose answer differs between two versions of a meeting (by the later one's list). */
export function answerChanges(before: Meeting, after: Meeting): PublicUser[] {
  return after.participants.filter((participant) => responseOf(before, participant.id) !== responseOf(after, participant.id));
}
