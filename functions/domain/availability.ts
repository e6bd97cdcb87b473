/**
 * Availability: the hours a user has blocked or booked on a date, and blocking more.
 */
import * as z from 'zod/mini';
import { BusinessRuleViolation, ValidationFailed, ruleMessages, unknownEmail } from './errors';
import type { AvailabilityStore, DayState, UserStore } from './ports';
import { formatTimestamp, HOURS_OF_DAY, parseDate, today } from './time';
import { type PublicUser, publicUser } from './users';
import { maxItems, messages, minItems, parseFields, typeMessage } from './validation';

export const dateMessages = {
  format: 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.',
} as const;

function dateField() {
  return (
    z
      .string({ error: typeMessage(dateMessages.format) })
      // Stryker disable next-line ObjectLiteral: equivalent: without its own message the check takes the string's, which is this one
      .check(z.refine((value) => parseDate(value) !== undefined, { error: dateMessages.format }))
  );
}

/** An hour 0..23: an integer, or a string holding one (as form-style clients send). */
const hourField = z.pipe(
  z.unknown(),
  z.transform((value, context) => {
    const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    const problem = (message: string) => context.issues.push({ code: 'custom', message, input: value });
    if (typeof number !== 'number' || !Number.isInteger(number)) {
      problem(messages.integer);
      return z.NEVER;
    }
    if (number < 0) problem('Ensure this value is greater than or equal to 0.');
    if (number > 23) problem('Ensure this value is less than or equal to 23.');
    return number;
  }),
);

const blockSchema = z.object({
  date: dateField(),
  blocked_slots: z
    .array(hourField, { error: typeMessage(messages.list) })
    .check(minItems(1, messages.emptyList), maxItems(24 * 4, messages.maxItems(96))),
});

const availabilityQuerySchema = z.object({
  date: dateField(),
  user: z.optional(z.string().check(z.trim(), z.maxLength(254, { error: messages.maxLength(254) }))),
});

/** The availability answer of the contract. */
export interface DayAvailability {
  id: string | null;
  user: PublicUser;
  date: string;
  blocked_slots: number[];
  available_time_slots: number[];
  created: string | null;
  modified: string | null;
}

export function describeDay(user: PublicUser, date: string, day: DayState): DayAvailability {
  const taken = new Set(day.slots.map((slot) => slot.hour));
  return {
    id: day.record?.id ?? null,
    user: publicUser(user),
    date,
    blocked_slots: HOURS_OF_DAY.filter((hour) => taken.has(hour)),
    available_time_slots: HOURS_OF_DAY.filter((hour) => !taken.has(hour)),
    created: day.record ? formatTimestamp(day.record.created) : null,
    modified: day.record ? formatTimestamp(day.record.modified) : null,
  };
}

/**
 * Blocks hours of a date for the caller.
 * 1. Validate: a real date, today or later in the service zone; a non-empty list of hours 0..23.
 * 2. Block every hour not yet blocked, in one transaction that fails, blocking nothing,
 *    if any of them holds one of the caller's active meetings.
 * 3. Answer the day as it now is.
 */
export async function blockSlots(
  body: unknown,
  deps: { availability: AvailabilityStore; caller: PublicUser; zone: string; now: Date },
): Promise<DayAvailability> {
  const input = parseFields(blockSchema, body);
  if (input.date < today(deps.zone, deps.now)) throw new BusinessRuleViolation(ruleMessages.pastDate);
  const hours = [...new Set(input.blocked_slots)];
  await deps.availability.blockHours(publicUser(deps.caller), input.date, hours, deps.now);
  return describeDay(deps.caller, input.date, await deps.availability.getDay(deps.caller.id, input.date));
}

/**
 * A user's availability on a date.
 * 1. Validate the date; resolve `user` (an email) when given, else the caller.
 * 2. Read the day in one query: its record and every taken hour.
 */
export async function getAvailability(
  query: Record<string, string | undefined>,
  deps: { availability: AvailabilityStore; users: UserStore; caller: PublicUser },
): Promise<DayAvailability> {
  const input = parseFields(availabilityQuerySchema, query);
  let user = deps.caller;
  if (input.user !== undefined && input.user !== '') {
    const found = (await deps.users.findByEmails([input.user])).get(input.user.toLowerCase());
    if (!found) throw ValidationFailed.field('user', unknownEmail(input.user));
    user = found;
  }
  return describeDay(user, input.date, await deps.availability.getDay(user.id, input.date));
}
