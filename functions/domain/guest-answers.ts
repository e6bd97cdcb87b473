/**
 * A guest answers a meeting (API Part C, "Guests answer"): accepts or declines it for
 * themselves. Declining frees their hour; accepting again takes it back under booking's
 * checks. The meeting stays theirs to see either way.
 */
import * as z from 'zod/mini';
import { BusinessRuleViolation, ConcurrentModification, ruleMessages, ValidationFailed } from './errors';
import { readMeeting } from './meeting-changes';
import { type Meeting, requireFuture } from './meetings';
import type { MeetingStore } from './ports';
import { GUEST_ANSWERS, type GuestAnswer, responseOf, responsesOf } from './responses';
import { formatSlot } from './time';
import type { PublicUser } from './users';
import { messages, tryParseFields } from './validation';

export const answerSchema = z.object({
  response: z.enum(GUEST_ANSWERS, {
    error: (issue) =>
      issue.input === undefined
        ? messages.required
        : issue.input === null
          ? messages.null
          : `"${String(issue.input)}" is not a valid choice.`,
  }),
});

/** How many times an answer is read and written when other changes of the meeting keep winning. */
export const ANSWER_ATTEMPTS = 5;

/** What answering works with. */
export interface AnswerDeps {
  meetings: MeetingStore;
  caller: PublicUser;
  zone: string;
  now: Date;
  /** The client request's idempotency scope, when it has one (see `Meeting.requestKey`). */
  requestKey?: string;
}

/**
 * The meeting once the caller has answered it, or `before` itself when the answer changes
 * nothing (the one already recorded: no write, no new version). Throws the contract's
 * refusals:
 * - the organiser answers: BusinessRuleViolation (their meeting is theirs to keep or
 *   cancel; their acceptance is always recorded);
 * - the meeting is cancelled: BusinessRuleViolation, whatever the answer;
 * - accepting after declining takes the hour back, so, as in booking, it must not have
 *   begun. Declining a meeting whose hour has begun is allowed (as cancelling it is), and
 *   so is accepting one whose hour is still held for the guest (they had not answered).
 */
export function answered(before: Meeting, answer: GuestAnswer, deps: Pick<AnswerDeps, 'caller' | 'zone' | 'now' | 'requestKey'>): Meeting {
  if (before.organiser.id === deps.caller.id) throw new BusinessRuleViolation(ruleMessages.organiserDeclines);
  if (before.status === 'cancelled') throw new BusinessRuleViolation(ruleMessages.cancelled);
  const current = responseOf(before, deps.caller.id);
  if (current === answer) return before;
  if (current === 'declined') requireFuture(before.slot, deps.zone, deps.now);
  const after: Meeting = {
    ...before,
    responses: { ...responsesOf(before), [deps.caller.id]: answer },
    version: before.version + 1,
    modified: deps.now.toISOString(),
    requestKey: deps.requestKey,
  };
  if (deps.requestKey === undefined) delete after.requestKey;
  return after;
}

/**
 * Records the caller's answer to a meeting.
 * 1. Find it: NotFound unless the caller takes part (a guest who declined still does).
 *    Then the body: `response` is `accepted` or `declined`. Its version written by this
 *    very request (an attempt whose answer was lost) is the answer, unchanged.
 * 2. Apply the answer (`answered`): the refusals, and nothing to write when it is the
 *    answer already recorded.
 * 3. Write it in ONE transaction, only if the meeting is still at the version read: the
 *    meeting with the answer, and the guest's hour: declining deletes it (if it still
 *    belongs to this meeting), accepting after declining puts it under booking's
 *    conditions (SlotUnavailable / SlotConflict). Accepting an hour already held writes
 *    the meeting alone.
 * 4. When another change of the meeting won meanwhile (a title edit, another guest's
 *    answer), read it again and answer again, up to ANSWER_ATTEMPTS in all; then
 *    ConcurrentModification. An answer is to the hour the guest saw: if the meeting has
 *    moved meanwhile (which asked its guests again), ConcurrentModification at once.
 */
export async function answerMeeting(meetingId: string, body: unknown, deps: AnswerDeps): Promise<Meeting> {
  const parsed = tryParseFields(answerSchema, body);
  let seenSlot: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    const before = await readMeeting(meetingId, deps);
    if (parsed instanceof ValidationFailed) throw parsed;
    if (deps.requestKey !== undefined && before.requestKey === deps.requestKey) return before;
    seenSlot ??= formatSlot(before.slot);
    if (formatSlot(before.slot) !== seenSlot) throw new ConcurrentModification();
    const after = answered(before, parsed.value.response, deps);
    if (after === before) return before;
    try {
      await deps.meetings.replace(before, after);
      return after;
    } catch (error) {
      if (!(error instanceof ConcurrentModification) || attempt >= ANSWER_ATTEMPTS) throw error;
    }
  }
}
