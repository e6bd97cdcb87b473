import { DateTime } from 'luxon';
import { call, signedInUser } from '../support/api';

/**
 * Every date here is computed from today (with Luxon, not the service's own date library):
 * the zone's next 23-hour and 25-hour days at least two days ahead, so that every hour of
 * them is bookable whatever day the suite runs on.
 */
interface ZoneCalendar {
  /** The next date on which clocks go forward (a 23-hour day), and the wall-clock hour it skips. */
  springForward: { date: string; skippedHour: number; instantAfterGap: string };
  /** The next date on which clocks go back (a 25-hour day), its repeated hour and that hour's two instants. */
  fallBack: { date: string; repeatedHour: number; instants: [string, string] };
  /** A week after each change: a date well inside daylight saving time, and one outside it. */
  summer: string;
  winter: string;
}

const utcInstant = (moment: DateTime) => moment.toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'");

/** The wall-clock hours of a date in `zone`, one entry per real hour, with the instant each begins. */
function hoursOf(date: DateTime): { hour: number; instant: DateTime }[] {
  const start = date.startOf('day');
  const end = start.plus({ days: 1 });
  const hours = [];
  for (let instant = start.toUTC(); instant < end; instant = instant.plus({ hours: 1 })) {
    hours.push({ hour: instant.setZone(date.zone).hour, instant });
  }
  return hours;
}

function calendarOf(zone: string): ZoneCalendar {
  let springForward: ZoneCalendar['springForward'] | undefined;
  let fallBack: ZoneCalendar['fallBack'] | undefined;
  const first = DateTime.now().setZone(zone).startOf('day').plus({ days: 2 });
  for (let day = first; (!springForward || !fallBack) && day < first.plus({ days: 400 }); day = day.plus({ days: 1 })) {
    const hours = hoursOf(day);
    const date = day.toISODate()!;
    if (hours.length === 23 && !springForward) {
      const skippedHour = Array.from({ length: 24 }, (_, hour) => hour).find((hour) => !hours.some((entry) => entry.hour === hour))!;
      const after = hours.find((entry) => entry.hour > skippedHour)!;
      springForward = { date, skippedHour, instantAfterGap: utcInstant(after.instant) };
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

const slot = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const allHoursBut = (...taken: number[]) => Array.from({ length: 24 }, (_, hour) => hour).filter((hour) => !taken.includes(hour));

type Auth = Record<string, string>;
const book = (auth: Auth, time_slot: string, participants: string[] = []) =>
  call('POST', '/api/event/', { headers: auth, body: { title: 'Zoned', description: '', participants, time_slot } });
const patch = (auth: Auth, id: string, body: Record<string, unknown>) => call('PATCH', `/api/event/${id}/`, { headers: auth, body });
const put = (auth: Auth, id: string, body: { time_slot: string; participants: string[] }) =>
  call('PUT', `/api/event/${id}/`, { headers: auth, body: { title: 'Zoned', description: null, status: 'active', ...body } });
const dayOf = async (auth: Auth, date: string) =>
  (await call('GET', `/api/user/get_available_slots/?date=${date}`, { headers: auth })).body.response;
const meetingOf = async (auth: Auth, id: string) => (await call('GET', `/api/event/${id}/`, { headers: auth })).body;

/**
 * Two zones, one per hemisphere: New York skips 02:00 in March and repeats 01:00 in
 * November; Sydney skips 02:00 in October and repeats 02:00 in April. `utcHour` o'clock UTC
 * reads as `summerHour` in daylight saving time and `winterHour` outside it.
 */
const zones = [
  { zone: 'America/New_York', utcHour: 13, summerHour: 9, winterHour: 8 },
  { zone: 'Australia/Sydney', utcHour: 0, summerHour: 11, winterHour: 10 },
];

describe.each(zones)('a service in $zone', ({ zone, utcHour, summerHour, winterHour }) => {
  const calendar = calendarOf(zone);
  const { springForward, fallBack } = calendar;
  const previous = process.env.TIME_ZONE;
  // The handlers read TIME_ZONE once, when first loaded: fresh modules for each zone.
  beforeAll(() => {
    process.env.TIME_ZONE = zone;
    jest.resetModules();
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TIME_ZONE;
    else process.env.TIME_ZONE = previous;
  });

  it('has the dates this file relies on: a summer date in DST, a winter one outside it, a 23- and a 25-hour day', () => {
    expect(DateTime.fromISO(calendar.summer, { zone }).isInDST).toBe(true);
    expect(DateTime.fromISO(calendar.winter, { zone }).isInDST).toBe(false);
    expect(hoursOf(DateTime.fromISO(springForward.date, { zone }))).toHaveLength(23);
    expect(hoursOf(DateTime.fromISO(fallBack.date, { zone }))).toHaveLength(25);
  });

  it("reads naive time slots on the zone's wall clock and answers in it", async () => {
    const me = await signedInUser('zone');
    const response = await book(me.auth, slot(calendar.summer, 9));
    expect(response.status).toBe(201);
    expect(response.body.response.time_slot).toBe(slot(calendar.summer, 9));
    expect((await dayOf(me.auth, calendar.summer)).blocked_slots).toEqual([9]);
  });

  it('converts instants to the zone, daylight saving time included', async () => {
    const me = await signedInUser('instant');
    const hh = String(utcHour).padStart(2, '0');
    const summer = await book(me.auth, `${calendar.summer}T${hh}:00:00Z`);
    expect(summer.body.response.time_slot).toBe(slot(calendar.summer, summerHour));
    const winter = await book(me.auth, `${calendar.winter}T${hh}:00:00Z`);
    expect(winter.body.response.time_slot).toBe(slot(calendar.winter, winterHour));
  });

  describe('on the 23-hour day clocks go forward', () => {
    const { date, skippedHour, instantAfterGap } = springForward;

    it('refuses to book the wall-clock hour the zone skips', async () => {
      const me = await signedInUser('gap');
      const response = await book(me.auth, slot(date, skippedHour));
      expect(response.status).toBe(400);
      expect(response.body.time_slot).toEqual([`Invalid datetime for the timezone "${zone}".`]);
      expect((await dayOf(me.auth, date)).blocked_slots).toEqual([]);
    });

    it('books the instant the clocks jump at as the first hour after the gap', async () => {
      const me = await signedInUser('jump');
      const response = await book(me.auth, instantAfterGap);
      expect(response.status).toBe(201);
      expect(response.body.response.time_slot).toBe(slot(date, skippedHour + 1));
    });

    // The contract's day is the 24 hours 0..23 whatever the date: availability lists the
    // skipped hour like any other, and blocking it is accepted (it blocks nothing real).
    it('lists all 24 hours, the skipped one included, and blocks it like any other', async () => {
      const me = await signedInUser('gapday');
      const fresh = await dayOf(me.auth, date);
      expect(fresh).toMatchObject({ id: null, blocked_slots: [], available_time_slots: allHoursBut() });

      const around = [skippedHour - 1, skippedHour, skippedHour + 1];
      const blocked = await call('POST', '/api/user/block_slots/', { headers: me.auth, body: { date, blocked_slots: around } });
      expect(blocked.status).toBe(200);
      expect(blocked.body.response).toMatchObject({ date, blocked_slots: around, available_time_slots: allHoursBut(...around) });
      expect(await dayOf(me.auth, date)).toMatchObject({ blocked_slots: around, available_time_slots: allHoursBut(...around) });

      // The hour after the gap is blocked for the instant that opens it, too.
      const jump = await book(me.auth, instantAfterGap);
      expect(jump.body).toEqual({ err_message: [`Time slot is not available for user : ${me.user.email}`] });
    });

    it('refuses to move a meeting into the skipped hour and moves it across the gap', async () => {
      const [me, guest] = await Promise.all([signedInUser('gapmover'), signedInUser('gapguest')]);
      const before = skippedHour - 1;
      const booked = await book(me.auth, slot(date, before), [guest.user.email]);
      expect(booked.status).toBe(201);
      const id = booked.body.response.id;

      const intoGap = await patch(me.auth, id, { time_slot: slot(date, skippedHour) });
      expect(intoGap.status).toBe(400);
      expect(intoGap.body.time_slot).toEqual([`Invalid datetime for the timezone "${zone}".`]);
      expect((await meetingOf(me.auth, id)).time_slot).toBe(slot(date, before));
      for (const who of [me, guest]) expect((await dayOf(who.auth, date)).blocked_slots).toEqual([before]);

      // One real hour after the hour before the gap is the hour after it.
      const across = await put(me.auth, id, { time_slot: instantAfterGap, participants: [me.user.email, guest.user.email] });
      expect(across.status).toBe(200);
      expect(across.body.response.time_slot).toBe(slot(date, skippedHour + 1));
      for (const who of [me, guest]) expect((await dayOf(who.auth, date)).blocked_slots).toEqual([skippedHour + 1]);

      const back = await patch(me.auth, id, { time_slot: slot(date, before) });
      expect(back.status).toBe(200);
      for (const who of [me, guest]) expect((await dayOf(who.auth, date)).blocked_slots).toEqual([before]);
    });
  });

  describe('on the 25-hour day clocks go back', () => {
    const { date, repeatedHour, instants } = fallBack;

    it('treats both instants of the repeated hour as one slot', async () => {
      const me = await signedInUser('repeat');
      const first = await book(me.auth, instants[0]);
      expect(first.body.response.time_slot).toBe(slot(date, repeatedHour));
      const second = await book(me.auth, instants[1]);
      expect(second.body).toEqual({ err_message: [`Time slot is conflicting with another event for user : ${me.user.email}`] });
    });

    it('lists the repeated hour once among 24, and blocking it blocks both of its instants', async () => {
      const me = await signedInUser('repeatday');
      expect(await dayOf(me.auth, date)).toMatchObject({ blocked_slots: [], available_time_slots: allHoursBut() });

      const blocked = await call('POST', '/api/user/block_slots/', { headers: me.auth, body: { date, blocked_slots: [repeatedHour] } });
      expect(blocked.status).toBe(200);
      expect(blocked.body.response).toMatchObject({ blocked_slots: [repeatedHour], available_time_slots: allHoursBut(repeatedHour) });

      for (const instant of [...instants, slot(date, repeatedHour)]) {
        const refused = await book(me.auth, instant);
        expect({ instant, body: refused.body }).toEqual({
          instant,
          body: { err_message: [`Time slot is not available for user : ${me.user.email}`] },
        });
      }
      // The hours around it are still free.
      const next = await book(me.auth, slot(date, repeatedHour + 1));
      expect(next.status).toBe(201);
      expect((await dayOf(me.auth, date)).blocked_slots).toEqual([repeatedHour, repeatedHour + 1]);
    });

    it('moves a meeting onto the repeated hour by either instant, and across it', async () => {
      const [me, guest] = await Promise.all([signedInUser('repeatmover'), signedInUser('repeatguest')]);
      const booked = await book(me.auth, slot(date, repeatedHour - 1), [guest.user.email]);
      expect(booked.status).toBe(201);
      const id = booked.body.response.id;

      // Onto the repeated hour by its later instant: the slot is the wall-clock hour.
      const onto = await patch(me.auth, id, { time_slot: instants[1] });
      expect(onto.status).toBe(200);
      expect(onto.body.response.time_slot).toBe(slot(date, repeatedHour));
      for (const who of [me, guest]) expect((await dayOf(who.auth, date)).blocked_slots).toEqual([repeatedHour]);
      // The earlier instant is that same, now taken, slot.
      const clash = await book(guest.auth, instants[0]);
      expect(clash.body).toEqual({ err_message: [`Time slot is conflicting with another event for user : ${guest.user.email}`] });

      // Across it: the repeated hour is freed as a whole.
      const across = await put(me.auth, id, { time_slot: slot(date, repeatedHour + 1), participants: [me.user.email, guest.user.email] });
      expect(across.status).toBe(200);
      expect(across.body.response.time_slot).toBe(slot(date, repeatedHour + 1));
      const other = await book(guest.auth, instants[0]);
      expect(other.status).toBe(201);
      expect(other.body.response.time_slot).toBe(slot(date, repeatedHour));
      expect((await dayOf(guest.auth, date)).blocked_slots).toEqual([repeatedHour, repeatedHour + 1]);
      expect((await dayOf(me.auth, date)).blocked_slots).toEqual([repeatedHour + 1]);

      // Back onto it by the other instant: the guest now holds it, and nothing moves.
      const refused = await patch(me.auth, id, { time_slot: instants[0] });
      expect(refused.body).toEqual({ err_message: [`Time slot is conflicting with another event for user : ${guest.user.email}`] });
      expect((await meetingOf(me.auth, id)).time_slot).toBe(slot(date, repeatedHour + 1));
      expect((await dayOf(me.auth, date)).blocked_slots).toEqual([repeatedHour + 1]);
    });
  });
});
