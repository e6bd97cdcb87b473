import { DateTime } from 'luxon';
import { call, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { calendarOf, hoursOf } from './zone-calendar';

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
const listed = async (who: LoggedIn) =>
  ((await call('GET', '/api/event/', { headers: who.auth })).body.results as { time_slot: string }[]).map((meeting) => meeting.time_slot);
const pastDatetime = (timeSlot: string) => ({
  status: 400,
  body: { err_message: [`Event can not be booked for past datetime : ${timeSlot}`] },
});
const shape = (answer: { status: number; body: unknown }) => ({ status: answer.status, body: answer.body });
const minutesAfter = (instant: string, minutes: number) => new Date(Date.parse(instant) + minutes * 60_000).toISOString();
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
  beforeAll(async () => {
    process.env.TIME_ZONE = zone;
    jest.resetModules();
    // Loaded before any test pins the clock: @date-fns/tz's TZDate extends the Date it
    // finds when loaded, and does not work on jest's fake one.
    await import('../../functions/domain/time');
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

  // The service clock is pinned inside the change: an hour has begun from its first instant.
  describe('while the clocks change', () => {
    afterEach(unpinClock);

    it('on the 23-hour day, the hour after the gap is the next one that has not begun', async () => {
      const { date, skippedHour, instantBeforeGap } = springForward;
      pinClock(minutesAfter(instantBeforeGap, -30));
      const me = await signedInUser('springnow');
      const [before, after] = [slot(date, skippedHour - 1), slot(date, skippedHour + 1)];
      for (const timeSlot of [before, after]) expect((await book(me.auth, timeSlot)).status).toBe(201);

      setClock(minutesAfter(instantBeforeGap, 30)); // half past the last hour before the gap
      const other = await signedInUser('springother');
      expect(shape(await book(other.auth, before))).toEqual(pastDatetime(before));
      expect((await book(other.auth, after)).status).toBe(201);
      expect(await listed(me)).toEqual([after]);
      const blocked = await call('POST', '/api/user/block_slots/', { headers: other.auth, body: { date, blocked_slots: [23] } });
      expect(blocked.status).toBe(200);
    });

    it('on the 25-hour day, the repeated hour has begun from its later instant on', async () => {
      const { date, repeatedHour, instants } = fallBack;
      pinClock(minutesAfter(instants[0], -30));
      const me = await signedInUser('fallnow');
      const [repeated, next] = [slot(date, repeatedHour), slot(date, repeatedHour + 1)];
      for (const timeSlot of [repeated, next]) expect((await book(me.auth, timeSlot)).status).toBe(201);

      setClock(minutesAfter(instants[1], 30)); // half past, the second time round
      const other = await signedInUser('fallother');
      expect(shape(await book(other.auth, repeated))).toEqual(pastDatetime(repeated));
      expect(shape(await book(other.auth, instants[1]))).toEqual(pastDatetime(repeated));
      expect((await book(other.auth, next)).status).toBe(201);
      expect(await listed(me)).toEqual([next]);
    });
  });
});
