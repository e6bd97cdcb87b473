/**
 * The hour repeated when clocks go back, during its first pass.
 *
 * The contract: an hour that has begun cannot be booked, moved into or re-activated, and
 * GET /api/event/ lists the meetings whose hour has not begun; the two instants of an hour
 * repeated when clocks go back are one slot, which (time.ts, slotStart) begins at its
 * first instant, in zones west and east of UTC. From its first instant it can be neither
 * booked nor listed; and on any day an hour is neither bookable nor listed from its very
 * first millisecond.
 */
import { DateTime } from 'luxon';
import { call, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { calendarOf } from './zone-calendar';

const slot = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const book = (who: LoggedIn, time_slot: string) =>
  call('POST', '/api/event/', { headers: who.auth, body: { title: 'Zoned', description: '', participants: [], time_slot } });
const listed = async (who: LoggedIn) =>
  ((await call('GET', '/api/event/', { headers: who.auth })).body.results as { time_slot: string }[]).map((meeting) => meeting.time_slot);
const minutesAfter = (instant: string, minutes: number) => new Date(Date.parse(instant) + minutes * 60_000).toISOString();

describe.each(['America/New_York', 'Australia/Sydney', 'Europe/Berlin'])('a service in %s', (zone) => {
  const { summer, fallBack } = calendarOf(zone);
  const { date, repeatedHour, instants } = fallBack;
  const previous = process.env.TIME_ZONE;
  beforeAll(async () => {
    process.env.TIME_ZONE = zone;
    jest.resetModules();
    // Before any clock is pinned: @date-fns/tz's TZDate extends the Date it finds when loaded.
    await import('../../functions/domain/time');
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TIME_ZONE;
    else process.env.TIME_ZONE = previous;
  });
  afterEach(unpinClock);

  /** Books the repeated hour and the next for a fresh user half an hour before, then moves the clock half an hour into the first instant. */
  async function bookThenEnterFirstInstant() {
    pinClock(minutesAfter(instants[0], -30));
    const me = await signedInUser('firstinstant');
    const [repeated, next] = [slot(date, repeatedHour), slot(date, repeatedHour + 1)];
    for (const timeSlot of [repeated, next]) expect((await book(me, timeSlot)).status).toBe(201);
    setClock(minutesAfter(instants[0], 30));
    return { me, repeated, next };
  }

  it('refuses to book the repeated hour during its first instant: it has begun', async () => {
    const { repeated } = await bookThenEnterFirstInstant();
    const other = await signedInUser('firstother');
    const answer = await book(other, repeated);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 400,
      body: { err_message: [`Event can not be booked for past datetime : ${repeated}`] },
    });
  });

  it('no longer lists a meeting in the repeated hour during its first instant: it has begun', async () => {
    const { me, next } = await bookThenEnterFirstInstant();
    expect(await listed(me)).toEqual([next]);
  });

  it('neither books nor lists an hour from its very first millisecond', async () => {
    const start = DateTime.fromISO(`${summer}T10:00:00`, { zone });
    pinClock(start.minus({ minutes: 30 }).toMillis());
    const me = await signedInUser('startinstant');
    const [ten, eleven] = [slot(summer, 10), slot(summer, 11)];
    for (const timeSlot of [ten, eleven]) expect((await book(me, timeSlot)).status).toBe(201);
    setClock(start.toMillis());
    const other = await signedInUser('startother');
    expect((await book(other, ten)).body).toEqual({ err_message: [`Event can not be booked for past datetime : ${ten}`] });
    expect(await listed(me)).toEqual([eleven]);
  });
});
