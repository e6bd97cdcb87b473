/**
 * Dates and hours as the API names them: plain dates (`YYYY-MM-DD`) and the hours 0..23
 * of the service's time zone. "Now" in that zone comes from the browser's time-zone
 * database (Intl); the arithmetic on plain dates is calendar arithmetic, free of any zone.
 */

export const HOURS: readonly number[] = Array.from({ length: 24 }, (_, hour) => hour);

/** Today's date and the current hour in `zone`. */
export function zoneNow(zone: string, now = new Date()): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, hour: Number(part('hour')) };
}

const asUtc = (date: string) => new Date(`${date}T00:00:00Z`);

export function addDays(date: string, days: number): string {
  const day = asUtc(date);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** The Monday of `date`'s week. */
export function weekStart(date: string): string {
  return addDays(date, -((asUtc(date).getUTCDay() + 6) % 7));
}

export function weekDays(monday: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

const format = (date: string, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(asUtc(date));

/** "Mon", "5 May". */
export const weekday = (date: string) => format(date, { weekday: 'short' });
export const dayMonth = (date: string) => format(date, { day: 'numeric', month: 'short' });
/** "Monday 5 May 2025". */
export const longDate = (date: string) => format(date, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

export const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** "5 – 11 May 2025", "28 Apr – 4 May 2025", "29 Dec 2025 – 4 Jan 2026". */
export function rangeLabel(from: string, to: string): string {
  const [fromYear, fromMonth] = from.split('-');
  const [toYear, toMonth] = to.split('-');
  const end = format(to, { day: 'numeric', month: 'short', year: 'numeric' });
  if (fromYear !== toYear) return `${format(from, { day: 'numeric', month: 'short', year: 'numeric' })} – ${end}`;
  if (fromMonth !== toMonth) return `${dayMonth(from)} – ${end}`;
  return `${format(from, { day: 'numeric' })} – ${end}`;
}

/** The API's time slot for an hour of a date. */
export const slotOf = (date: string, hour: number) => `${date} ${hourLabel(hour)}:00`;

/** The date and hour of the API's time slot (`YYYY-MM-DD HH:00:00`). */
export function parseSlot(slot: string): { date: string; hour: number } {
  return { date: slot.slice(0, 10), hour: Number(slot.slice(11, 13)) };
}

/** "Tue 6 May, 10:00–11:00". */
export function slotLabel(slot: string): string {
  const { date, hour } = parseSlot(slot);
  return `${weekday(date)} ${dayMonth(date)}, ${hourLabel(hour)}–${hourLabel((hour + 1) % 24)}`;
}

/** Runs of consecutive hours: [9, 10, 11, 15] -> "09:00–12:00, 15:00–16:00". */
export function hoursLabel(hours: readonly number[]): string {
  const sorted = [...hours].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const hour of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] === hour) last[1] = hour + 1;
    else runs.push([hour, hour + 1]);
  }
  return runs.map(([start, end]) => `${hourLabel(start)}–${hourLabel(end % 24)}`).join(', ');
}
