import { DateTime } from 'luxon';

/**
 * Every date here is computed from today (with Luxon, not the service's own date library):
 * the zone's next 23-hour and 25-hour days at least two days ahead, so that every hour of
 * them is bookable whatever day the suite runs on.
 */
export interface ZoneCalendar {
  /** The next date on which clocks go forward (a 23-hour day), and the wall-clock hour it skips. */
  springForward: { date: string; skippedHour: number; instantAfterGap: string; instantBeforeGap: string };
  /** The next date on which clocks go back (a 25-hour day), its repeated hour and that hour's two instants. */
  fallBack: { date: string; repeatedHour: number; instants: [string, string] };
  /** A week after each change: a date well inside daylight saving time, and one outside it. */
  summer: string;
  winter: string;
}

const utcInstant = (moment: DateTime) => moment.toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'");

/** The wall-clock hours of a date in `zone`, one entry per real hour, with the instant each begins. */
export function hoursOf(date: DateTime): { hour: number; instant: DateTime }[] {
  const start = date.startOf('day');
  const end = start.plus({ days: 1 });
  const hours = [];
  for (let instant = start.toUTC(); instant < end; instant = instant.plus({ hours: 1 })) {
    hours.push({ hour: instant.setZone(date.zone).hour, instant });
  }
  return hours;
}

export function calendarOf(zone: string): ZoneCalendar {
  let springForward: ZoneCalendar['springForward'] | undefined;
  let fallBack: ZoneCalendar['fallBack'] | undefined;
  const first = DateTime.now().setZone(zone).startOf('day').plus({ days: 2 });
  for (let day = first; (!springForward || !fallBack) && day < first.plus({ days: 400 }); day = day.plus({ days: 1 })) {
    const hours = hoursOf(day);
    const date = day.toISODate()!;
    if (hours.length === 23 && !springForward) {
      const skippedHour = Array.from({ length: 24 }, (_, hour) => hour).find((hour) => !hours.some((entry) => entry.hour === hour))!;
      const before = hours.find((entry) => entry.hour === skippedHour - 1)!;
      const after = hours.find((entry) => entry.hour > skippedHour)!;
      springForward = { date, skippedHour, instantBeforeGap: utcInstant(before.instant), instantAfterGap: utcInstant(after.instant) };
    }
    if (hours.length === 25 && !fallBack) {
      const repeatedHour = hours.find((entry, index) => hours.findIndex((other) => other.hour === entry.hour) !== index)!.hour;
      const [earlier, later] = hours.filter((entry) => entry.hour === repeatedHour);
      fallBack = { date, repeatedHour, instants: [utcInstant(earlier!.instant), utcInstant(later!.instant)] };
    }
  }
  if (!springForward || !fallBack) throw new Error(`${zone} has no daylight saving change in the coming year`);
  const weekAfter = (date: string) => DateTime.fromISO(date, { zone }).plus({ days: 7 }).toISODate()!;
  return { springForward, fallBack, summer: weekAfter(springForward.date), winter: weekAfter(fallBack.date) };
}
