/**
 * Availability: the hours a user has blocked or booked on a date or a range of dates,
 * blocking more, unblocking some, or setting a date's blocks to a list.
 */
import * as z from 'zod/mini';
import {
  BusinessRuleViolation,
  ConcurrentModification,
  TemporarilyUnavailable,
  ValidationFailed,
  HourAlreadyBooked,
  ruleMessages,
  unknownEmail,
} from './errors';
import type { AvailabilityStore, DayState, UserStore } from './ports';
import { datesBetween, formatTimestamp, HOURS_OF_DAY, parseDate, today } from './time';
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
      .check(
        z.refine((value) => parseDate(value) !== undefined, { error: dateMessages.format }),
        z.meta({ format: 'date', examples: ['2026-12-01'] }),
      )
  );
}

/** An hour 0..23: an integer, or a string holding one (as form-style clients send). */
const hourValue = z.pipe(
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
const hourField = hourValue.check(
  z.meta({ type: 'integer', minimum: 0, maximum: 23, description: 'An hour of the date, 0..23 (a string holding one is read too).' }),
);

/** A list of hours: at most 96 entries (repeats count once); empty only where allowed. */
function hourList(options: { allowEmpty: boolean }) {
  const checks = [maxItems<unknown>(24 * 4, messages.maxItems(96))];
  if (!options.allowEmpty) checks.unshift(minItems(1, messages.emptyList));
  const documented = z.meta({ minItems: options.allowEmpty ? 0 : 1, maxItems: 24 * 4 });
  return z.array(hourField, { error: typeMessage(messages.list) }).check(...checks, documented);
}

export const blockSchema = z.object({ date: dateField(), blocked_slots: hourList({ allowEmpty: false }) });
export const unblockSchema = z.object({ date: dateField(), unblocked_slots: hourList({ allowEmpty: false }) });
export const replaceSchema = z.object({ date: dateField(), blocked_slots: hourList({ allowEmpty: true }) });

/** The most dates one availability read covers. */
export const MAX_RANGE_DATES = 31;

export const rangeMessages = {
  dateWithRange: 'Give either date, or from and to, not both.',
  toBeforeFrom: 'Ensure this date is not before from.',
  tooLong: (max: number) => `Ensure the range has no more than ${max} dates.`,
} as const;

/** A single date asked for (built once: a schema is not cheap to make on every request). */
const singleDateSchema = z.object({ date: dateField() });
const optionalDate = z.optional(z.string());
export const availabilityQuerySchema = z.object({
  date: optionalDate,
  from: optionalDate,
  to: optionalDate,
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
 * The dates a query names: `from` to `to` (both needed, in order, at most `max` dates).
 * Throws the fields' errors together.
 */
export function readDateRange(query: { from?: string; to?: string }, max: number): string[] {
  const fields: Record<string, string[]> = {};
  for (const name of ['from', 'to'] as const) {
    const value = query[name];
    if (value === undefined || value === '') fields[name] = [messages.required];
    else if (parseDate(value) === undefined) fields[name] = [dateMessages.format];
  }
  if (Object.keys(fields).length > 0) throw new ValidationFailed(fields);
  const [from, to] = [query.from!, query.to!];
  if (to < from) throw ValidationFailed.field('to', rangeMessages.toBeforeFrom);
  const dates = datesBetween(from, to, max);
  if (dates.length > max) throw ValidationFailed.field('to', rangeMessages.tooLong(max));
  return dates;
}

/**
 * A user's availability on a date, or on each date of a range.
 * 1. Validate `date`, or `from` and `to` (at most 31 dates; not together with `date`);
 *    resolve `user` (an email) when given, else the caller.
 * 2. Read in one query: the date's (or the range's) records and every taken hour.
 */
export async function getAvailability(
  query: Record<string, string | undefined>,
  deps: { availability: AvailabilityStore; users: UserStore; caller: PublicUser },
): Promise<DayAvailability | DayAvailability[]> {
  const input = parseFields(availabilityQuerySchema, query);
  const given = (value: string | undefined) => value !== undefined && value !== '';
  const ranged = given(input.from) || given(input.to);
  if (ranged && given(input.date)) throw ValidationFailed.field('date', rangeMessages.dateWithRange);
  const dates = ranged ? readDateRange(input, MAX_RANGE_DATES) : [parseFields(singleDateSchema, input).date];
  let user = deps.caller;
  if (input.user !== undefined && input.user !== '') {
    const found = (await deps.users.findByEmails([input.user])).get(input.user.toLowerCase());
    if (!found) throw ValidationFailed.field('user', unknownEmail(input.user));
    user = found;
  }
  if (!ranged) return describeDay(user, dates[0]!, await deps.availability.getDay(user.id, dates[0]!));
  const days = await deps.availability.getDays(user.id, dates[0]!, dates.at(-1)!);
  return dates.map((date) => describeDay(user, date, days.get(date) ?? { slots: [] }));
}

/** How often a change of blocks is tried again when the day changed between its read and its write. */
export const BLOCK_CHANGE_ATTEMPTS = 5;

/**
 * Makes the caller's blocks on `date` what `wanted` says, given the blocked hours and the
 * hours held by meetings as read; a write that would change nothing is not made. The
 * write applies only to the day as read: when another write came between, the day is
 * read again and the change worked out anew.
 */
async function changeBlocks(
  date: string,
  wanted: (blocked: ReadonlySet<number>, booked: ReadonlySet<number>) => number[],
  deps: { availability: AvailabilityStore; caller: PublicUser; now: Date },
): Promise<DayAvailability> {
  for (let attempt = 1; attempt <= BLOCK_CHANGE_ATTEMPTS; attempt++) {
    const day = await deps.availability.getDay(deps.caller.id, date);
    const blocked = new Set(day.slots.filter((slot) => slot.kind === 'blocked').map((slot) => slot.hour));
    const booked = new Set(day.slots.filter((slot) => slot.kind === 'meeting').map((slot) => slot.hour));
    const hours = [...new Set(wanted(blocked, booked))].sort((a, b) => a - b);
    if (hours.length === blocked.size && hours.every((hour) => blocked.has(hour))) return describeDay(deps.caller, date, day);
    try {
      await deps.availability.setBlocks(publicUser(deps.caller), date, day, hours, deps.now);
    } catch (error) {
      if (error instanceof ConcurrentModification) continue;
      throw error;
    }
    return describeDay(deps.caller, date, await deps.availability.getDay(deps.caller.id, date));
  }
  throw new TemporarilyUnavailable();
}

/**
 * Unblocks hours of a date for the caller.
 * 1. Validate: a real date, today or later; a non-empty list of hours 0..23.
 * 2. Remove those hours from the blocks; an hour not blocked is ignored, and an hour held
 *    by a meeting is not a block: it stays unavailable.
 * 3. Answer the day as it now is.
 */
export async function unblockSlots(
  body: unknown,
  deps: { availability: AvailabilityStore; caller: PublicUser; zone: string; now: Date },
): Promise<DayAvailability> {
  const input = parseFields(unblockSchema, body);
  if (input.date < today(deps.zone, deps.now)) throw new BusinessRuleViolation(ruleMessages.pastDate);
  const unblocked = new Set(input.unblocked_slots);
  return changeBlocks(input.date, (blocked) => [...blocked].filter((hour) => !unblocked.has(hour)), deps);
}

/**
 * Sets the caller's blocks on a date to exactly a list (idempotent).
 * 1. Validate: a real date, today or later; a list of hours 0..23, possibly empty.
 * 2. An hour of the list held by the caller's active meeting: 400, nothing changed.
 * 3. Block the new hours and unblock the others in one write; answer the day.
 */
export async function replaceBlocks(
  date: string,
  body: unknown,
  deps: { availability: AvailabilityStore; caller: PublicUser; zone: string; now: Date },
): Promise<DayAvailability> {
  const input = parseFields(replaceSchema, { ...(isRecord(body) ? body : {}), date });
  if (input.date < today(deps.zone, deps.now)) throw new BusinessRuleViolation(ruleMessages.pastDate);
  return changeBlocks(
    input.date,
    (_, booked) => {
      const held = [...new Set(input.blocked_slots)].sort((a, b) => a - b).find((hour) => booked.has(hour));
      if (held !== undefined) throw new HourAlreadyBooked(held);
      return input.blocked_slots;
    },
    deps,
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
