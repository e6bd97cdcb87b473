/**
 * Dates, hours and time slots in the service's time zone, with @date-fns/tz (IANA zone
 * rules from the runtime's Intl data), never with hand-made offsets. A slot is one of the
 * 24 wall-clock hours of a date.
 */
import { TZDate } from '@date-fns/tz';

/** One hour of one date, on the service zone's wall clock. */
export interface Slot {
  date: string;
  hour: number;
}

export const HOURS_OF_DAY: readonly number[] = Array.from({ length: 24 }, (_, hour) => hour);

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A real calendar date written `YYYY-MM-DD`, or undefined. */
export function parseDate(value: string): string | undefined {
  const match = datePattern.exec(value);
  if (!match) return undefined;
  return isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3])) ? value : undefined;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = utcDate(year, month, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// `Date.UTC` and the `Date` and `TZDate` constructors read the years 0-99 as 1900-1999
// (`0050-01-01` would become `1950-01-01`), so dates are not built with them directly.

/** The UTC instant of a date and time, with out-of-range fields carried over as `Date` does. */
function utcDate(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date;
}

/** 400 Gregorian years: the calendar repeats after them, weekdays and leap days included. */
const GREGORIAN_CYCLE = { years: 400, ms: 146_097 * 86_400_000 };

/**
 * A wall-clock time in `zone`. A time of the years 0-99 is built 400 years later and moved
 * back a cycle: no zone changed its offset before the 1800s, so both read the same.
 */
function zonedDate(zone: string, year: number, month: number, day: number, hour: number, minute = 0, second = 0): TZDate {
  if (year >= 100) return new TZDate(year, month - 1, day, hour, minute, second, zone);
  const later = new TZDate(year + GREGORIAN_CYCLE.years, month - 1, day, hour, minute, second, zone);
  return new TZDate(later.getTime() - GREGORIAN_CYCLE.ms, zone);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `YYYY-MM-DD` of a date as seen on its zone's wall clock. */
function dateOf(local: TZDate): string {
  return `${pad(local.getFullYear(), 4)}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/**
 * The dates from `from` to `to`, both included, in order (calendar dates: no zone). Empty
 * when `to` is before `from`; at most `limit` + 1 dates, so that a caller can tell a range
 * over its limit without building all of it.
 */
export function datesBetween(from: string, to: string, limit: number): string[] {
  const [year, month, day] = from.split('-').map(Number) as [number, number, number];
  const dates: string[] = [];
  for (let offset = 0; dates.length <= limit; offset++) {
    const date = utcDate(year, month, day + offset);
    const written = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    if (written > to) break;
    dates.push(written);
  }
  return dates;
}

/** Whether the slot's wall-clock hour exists in `zone` (a DST gap skips one). */
export function slotExists(slot: Slot, zone: string): boolean {
  return parseTimeSlot(formatSlot(slot), zone).ok;
}

/** Whether `zone` names an IANA time zone the runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Today's date in `zone`. */
export function today(zone: string, now: Date): string {
  return dateOf(new TZDate(now.getTime(), zone));
}

export type TimeSlotParse =
  { ok: true; slot: Slot; wholeHour: true } | { ok: true; wholeHour: false } | { ok: false; reason: 'format' | 'nonexistent' };

/** Minutes east of UTC of an ISO-8601 offset designator (`Z`, `+05:30`, `-0800`, `+01`). */
function offsetMinutes(designator: string): number {
  // Stryker disable next-line MethodExpression,StringLiteral: equivalent: without this shortcut `Z` still reads as 0 below (it has no digits)
  if (designator.toUpperCase() === 'Z') return 0;
  const sign = designator.startsWith('-') ? -1 : 1;
  const digits = designator.slice(1).replace(':', '');
  // Stryker disable next-line StringLiteral: equivalent: Number('') is 0 as well
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/**
 * Reads a time slot: `YYYY-MM-DD HH:MM:SS` (or with `T`) is a wall-clock time in `zone`;
 * with an offset or `Z` it is an instant, converted to `zone`. It must then fall on a
 * whole hour. A wall-clock time that `zone` skips (a DST gap) does not exist.
 */
export function parseTimeSlot(value: string, zone: string): TimeSlotParse {
  const match = dateTimePattern.exec(value.trim());
  if (!match) return { ok: false, reason: 'format' };
  // Stryker disable next-line StringLiteral: equivalent: an empty default reads the same (Number('') is 0; '' has no non-zero digit)
  const [, year, month, day, hour, minute, second = '0', fraction = '0', designator] = match;
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millisecond: 0,
  };
  const fractionNonZero = /[1-9]/.test(fraction);
  if (!isCalendarDate(fields.year, fields.month, fields.day) || fields.hour > 23 || fields.minute > 59 || fields.second > 59) {
    return { ok: false, reason: 'format' };
  }
  let local: TZDate;
  if (designator) {
    const offset = offsetMinutes(designator);
    if (Math.abs(offset) >= 24 * 60 || Number(designator.slice(-2)) > 59) return { ok: false, reason: 'format' };
    const instant = utcDate(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second).getTime() - offset * 60_000;
    local = new TZDate(instant, zone);
  } else {
    local = zonedDate(zone, fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second);
    // A wall-clock time the zone skips comes back moved by the transition.
    const sameWallClock =
      dateOf(local) === `${year}-${month}-${day}` && local.getHours() === fields.hour && local.getMinutes() === fields.minute;
    if (!sameWallClock) return { ok: false, reason: 'nonexistent' };
  }
  if (local.getMinutes() !== 0 || local.getSeconds() !== 0 || fractionNonZero) return { ok: true, wholeHour: false };
  return { ok: true, wholeHour: true, slot: { date: dateOf(local), hour: local.getHours() } };
}

/** The contract's way of writing a slot: `YYYY-MM-DD HH:00:00`. */
export function formatSlot(slot: Slot): string {
  return `${slot.date} ${String(slot.hour).padStart(2, '0')}:00:00`;
}

/** Reads back a slot written by `formatSlot`. */
export function slotOf(formatted: string): Slot {
  return { date: formatted.slice(0, 10), hour: Number(formatted.slice(11, 13)) };
}

/** The instant (epoch ms) the slot begins; for a repeated DST hour, its first occurrence. */
export function slotStart(slot: Slot, zone: string): number {
  const [year, month, day] = slot.date.split('-').map(Number) as [number, number, number];
  const resolved = zonedDate(zone, year, month, day, slot.hour).getTime();
  // A repeated wall-clock hour has two instants an hour apart, and which one the library
  // resolves to depends on the zone: take the earlier when it shows the same hour.
  const earlier = new TZDate(resolved - 3_600_000, zone);
  return dateOf(earlier) === slot.date && earlier.getHours() === slot.hour ? earlier.getTime() : resolved;
}

/** The slot (the wall-clock hour in `zone`) that the instant (epoch ms) falls in. */
export function slotAt(instant: number, zone: string): Slot {
  const local = new TZDate(instant, zone);
  return { date: dateOf(local), hour: local.getHours() };
}

/** Whether the slot has begun by `now`: such a slot can no longer be booked. */
export function hasBegun(slot: Slot, zone: string, now: Date): boolean {
  return slotStart(slot, zone) <= now.getTime();
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as the API writes `created` and `modified`. */
export function formatTimestamp(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The earliest slot that has not begun at `now` (by `hasBegun`, so listing and booking
 * agree): the hour after the current one, or later still while a repeated hour's first
 * pass has begun it.
 */
export function firstUnbegunSlot(zone: string, now: Date): Slot {
  // No slot begins before the current wall-clock hour ends (a shift of the clock happens at
  // the end of one): the search starts there, one look-up in the usual case.
  const current = new TZDate(now.getTime(), zone);
  const intoHour = ((current.getMinutes() * 60 + current.getSeconds()) * 1000 + current.getMilliseconds()) % 3_600_000;
  // Then quarter-hour steps: a 30-minute shift (Lord Howe) leaves a half-hour slot behind it.
  for (let at = now.getTime() + 3_600_000 - intoHour; ; at += 900_000) {
    const local = new TZDate(at, zone);
    const slot = { date: dateOf(local), hour: local.getHours() };
    if (!hasBegun(slot, zone, now)) return slot;
  }
}
