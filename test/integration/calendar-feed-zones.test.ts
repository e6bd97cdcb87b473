/**
 * A feed of a service whose zone changes its clocks: each meeting is the real hour its
 * wall-clock slot names, on the days clocks go forward and back as on any other.
 */
import { DateTime } from 'luxon';
import { call, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, unpinClock } from '../support/clock';
import { parseCalendar } from '../support/icalendar';
import { calendarOf } from './zone-calendar';

const slot = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const iso = (instant: string) => new Date(instant).toISOString();
const hourAfter = (instant: string) => new Date(Date.parse(instant) + 3_600_000).toISOString();

async function book(who: LoggedIn, time_slot: string): Promise<string> {
  const response = await call('POST', '/api/event/', {
    headers: who.auth,
    body: { title: time_slot, description: '', participants: [], time_slot },
  });
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response.id;
}

describe.each(['America/New_York', 'Australia/Sydney'])('a feed of a service in %s', (zone) => {
  const { springForward, fallBack, summer } = calendarOf(zone);
  const previous = process.env.TIME_ZONE;
  // The handlers read TIME_ZONE once, when first loaded: fresh modules for the zone.
  beforeAll(async () => {
    process.env.TIME_ZONE = zone;
    jest.resetModules();
    // Loaded before the clock is pinned: @date-fns/tz's TZDate extends the Date it finds when loaded.
    await import('../../functions/domain/time');
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TIME_ZONE;
    else process.env.TIME_ZONE = previous;
  });

  /** The feed's events, by title (the slot), read two days before `date` so that all of them are in its window. */
  async function feedSeenBefore(who: LoggedIn, date: string) {
    const response = await call('POST', '/api/user/calendar_feed/', { headers: who.auth });
    const path = new URL(response.body.url).pathname;
    pinClock(DateTime.fromISO(date, { zone }).minus({ days: 2 }).toMillis());
    try {
      const feed = await call('GET', path);
      expect(feed.status).toBe(200);
      return new Map(parseCalendar(feed.text).events.map((event) => [event.summary, [event.start, event.end]]));
    } finally {
      unpinClock();
    }
  }

  it('shows the hours around the skipped one as the real hours they are', async () => {
    const me = await signedInUser('feedgap');
    const { date, skippedHour, instantBeforeGap, instantAfterGap } = springForward;
    await book(me, slot(date, skippedHour - 1));
    await book(me, slot(date, skippedHour + 1));
    const events = await feedSeenBefore(me, date);
    // The hour before the gap ends when the clocks jump; the hour after it starts there.
    expect(events.get(slot(date, skippedHour - 1))).toEqual([iso(instantBeforeGap), iso(instantAfterGap)]);
    expect(events.get(slot(date, skippedHour + 1))).toEqual([iso(instantAfterGap), hourAfter(instantAfterGap)]);
  });

  it('shows the repeated hour as its first pass, one real hour long, and the hour after as after the second', async () => {
    const me = await signedInUser('feedrepeat');
    const { date, repeatedHour, instants } = fallBack;
    await book(me, slot(date, repeatedHour));
    await book(me, slot(date, repeatedHour + 1));
    const events = await feedSeenBefore(me, date);
    expect(events.get(slot(date, repeatedHour))).toEqual([iso(instants[0]), iso(instants[1])]);
    expect(events.get(slot(date, repeatedHour + 1))).toEqual([hourAfter(instants[1]), hourAfter(hourAfter(instants[1]))]);
  });

  it('shows a summer meeting at its daylight-saving instant', async () => {
    const me = await signedInUser('feedsummer');
    await book(me, slot(summer, 9));
    const expected = DateTime.fromObject(
      { year: Number(summer.slice(0, 4)), month: Number(summer.slice(5, 7)), day: Number(summer.slice(8)), hour: 9 },
      { zone },
    );
    expect(expected.isInDST).toBe(true);
    const events = await feedSeenBefore(me, summer);
    expect(events.get(slot(summer, 9))).toEqual([expected.toUTC().toISO(), expected.plus({ hours: 1 }).toUTC().toISO()]);
  });
});
