/**
 * A budget for putting things into other people's calendars: meetings created and guests
 * added (in bookings and in changes) per user and hour. Beyond it: 429 with Retry-After.
 * Guests who do not want a meeting decline it; this bounds how many can be sent.
 */
import { Throttled } from './errors';
import type { AttemptBudget, AttemptLimiter } from './ports';

export interface InvitationLimits {
  meetingsPerHour: number;
  guestsPerHour: number;
}

const HOUR_SECONDS = 60 * 60;

/** Spends the caller's budgets for `meetings` new meetings and `guests` added guests, all or none. */
export async function spendInvitations(
  deps: { limiter: AttemptLimiter; limits: InvitationLimits; now: Date },
  callerId: string,
  wanted: { meetings: number; guests: number },
): Promise<void> {
  const budgets = invitationBudgets(deps.limits, callerId, wanted);
  if (budgets.length === 0) return;
  const retryAfter = await deps.limiter.spend(budgets, deps.now);
  if (retryAfter !== undefined) throw new Throttled(retryAfter);
}

/** The caller's budgets that `meetings` new meetings and `guests` added guests cost (none for nothing). */
export function invitationBudgets(
  limits: InvitationLimits,
  callerId: string,
  wanted: { meetings: number; guests: number },
): AttemptBudget[] {
  const budgets: AttemptBudget[] = [];
  if (wanted.meetings > 0) {
    budgets.push({
      key: `meetings-by:${callerId}`,
      limit: limits.meetingsPerHour,
      windowSeconds: HOUR_SECONDS,
      cost: wanted.meetings,
    });
  }
  if (wanted.guests > 0) {
    budgets.push({ key: `guests-by:${callerId}`, limit: limits.guestsPerHour, windowSeconds: HOUR_SECONDS, cost: wanted.guests });
  }
  return budgets;
}
