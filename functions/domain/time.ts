/**
 * Dates, hours and time slots in the service's time zone, with Luxon (IANA zone rules),
 * never with hand-made offsets. A slot is one of the 24 wall-clock hours of a date.
 */
import { DateTime, FixedOffsetZone } from 'luxon';

/** One hour of one date, on the service zone's wall clock. */
export interface Slot {
  date: string;
  hour: number;
}

export const HOURS_OF_DAY: readonly number[] = Array.from({ length: 24 }, (_, hour) => hour);

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A real calendar date written `YYYY-MM-DD`, or undefined. */
export function parseDate(value: string): string | undefined {
  const match = datePattern.exec(value);
  if (!match) return undefined;
  const parsed = DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }, { zone: 'UTC' });
  return parsed.isValid ? value : undefined;
}

/** Today's date in `zone`. */
export function today(zone: string, now: Date): string {
  return DateTime.fromJSDate(now).setZone(zone).toFormat('yyyy-MM-dd');
}

export type TimeSlotParse =
  | { ok: true; slot: Slot; wholeHour: true }
  | { ok: true; wholeHour: false }
  | { ok: false; reason: 'format' | 'nonexistent' };

function offsetZone(designator: string): FixedOffsetZone {
  if (designator.toUpperCase() === 'Z') return FixedOffsetZone.utcInstance;
  const sign = designator.startsWith('-') ? -1 : 1;
  const digits = designator.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return FixedOffsetZone.instance(sign * minutes);
}

/**
 * Reads a time slot: `YYYY-MM-DD HH:MM:SS` (or with `T`) is a wall-clock time in `zone`;
 * with an offset or `Z` it is an instant, converted to `zone`. It must then fall on a
 * whole hour. A wall-clock time that `zone` skips (a DST gap) does not exist.
 */
export function parseTimeSlot(value: string, zone: string): TimeSlotParse {
  const match = dateTimePattern.exec(value.trim());
  if (!match) return { ok: false, reason: 'format' };
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
  let local: DateTime;
  if (designator) {
    const instant = DateTime.fromObject(fields, { zone: offsetZone(designator) });
    if (!instant.isValid || Math.abs(instant.offset) >= 24 * 60) return { ok: false, reason: 'format' };
    local = instant.setZone(zone);
  } else {
    local = DateTime.fromObject(fields, { zone });
    if (!local.isValid) return { ok: false, reason: 'format' };
    const sameWallClock =
      local.year === fields.year && local.month === fields.month && local.day === fields.day && local.hour === fields.hour && local.minute === fields.minute;
    if (!sameWallClock) {
      // Luxon moved it: either an impossible date (Feb 30) or a skipped DST hour.
      const wallClock = DateTime.fromObject(fields, { zone: 'UTC' });
      return wallClock.isValid && fields.hour < 24 && fields.minute < 60 ? { ok: false, reason: 'nonexistent' } : { ok: false, reason: 'format' };
    }
  }
  if (local.minute !== 0 || local.second !== 0 || fractionNonZero) return { ok: true, wholeHour: false };
  return { ok: true, wholeHour: true, slot: { date: local.toFormat('yyyy-MM-dd'), hour: local.hour } };
}

/** The contract's way of writing a slot: `YYYY-MM-DD HH:00:00`. */
export function formatSlot(slot: Slot): string {
  return `${slot.date} ${String(slot.hour).padStart(2, '0')}:00:00`;
}

/** Reads back a slot written by `formatSlot`. */
export function slotOf(formatted: string): Slot {
  return { date: formatted.slice(0, 10), hour: Number(formatted.slice(11, 13)) };
}

/** The instant the slot begins; for a repeated DST hour, its first occurrence. */
export function slotStart(slot: Slot, zone: string): DateTime {
  const [year, month, day] = slot.date.split('-').map(Number);
  return DateTime.fromObject({ year, month, day, hour: slot.hour }, { zone });
}

/** Whether the slot has begun by `now`: such a slot can no longer be booked. */
export function hasBegun(slot: Slot, zone: string, now: Date): boolean {
  return slotStart(slot, zone).toMillis() <= now.getTime();
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as the API writes `created` and `modified`. */
export function formatTimestamp(iso: string): string {
  return DateTime.fromISO(iso, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** The earliest slot that has not begun at `now`: the current hour only at its very start. */
export function firstUnbegunSlot(zone: string, now: Date): Slot {
  const local = DateTime.fromJSDate(now).setZone(zone);
  const start = local.startOf('hour');
  const slot = start.toMillis() === local.toMillis() ? start : start.plus({ hours: 1 });
  return { date: slot.toFormat('yyyy-MM-dd'), hour: slot.hour };
}
