import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, unpinClock } from '../support/clock';

const block = (who: LoggedIn, body: unknown) => call('POST', '/api/user/block_slots/', { headers: who.auth, body });
const availability = (who: LoggedIn, query: string) => call('GET', `/api/user/get_available_slots/?${query}`, { headers: who.auth });
const allHours = Array.from({ length: 24 }, (_, hour) => hour);
const without = (hours: number[]) => allHours.filter((hour) => !hours.includes(hour));
const timestamp = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('POST /api/user/block_slots/', () => {
  it('blocks the hours and answers the day', async () => {
    const me = await signedInUser('block');
    const date = freshDate();
    const response = await block(me, { date, blocked_slots: [17, 10, 15] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      response: {
        id: expect.any(String),
        user: me.user,
        date,
        blocked_slots: [10, 15, 17],
        available_time_slots: without([10, 15, 17]),
        created: expect.stringMatching(timestamp),
        modified: expect.stringMatching(timestamp),
      },
    });
  });

  it('adds to the blocks already there and keeps the day record', async () => {
    const me = await signedInUser('union');
    const date = freshDate();
    const first = await block(me, { date, blocked_slots: [10, 11] });
    const second = await block(me, { date, blocked_slots: [11, 3, 3] });
    expect(second.body.response.blocked_slots).toEqual([3, 10, 11]);
    expect(second.body.response.id).toBe(first.body.response.id);
    expect(second.body.response.created).toBe(first.body.response.created);
  });

  it("refuses an hour holding one of the caller's meetings and blocks nothing", async () => {
    const me = await signedInUser('busy');
    const date = freshDate();
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Held', time_slot: `${date} 11:00:00`, description: '', participants: [] },
    });
    expect(booked.status).toBe(201);
    const response = await block(me, { date, blocked_slots: [9, 11, 12] });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ err_message: ['There is already an event booked at time slot : 11'] });
    const day = await availability(me, `date=${date}`);
    expect(day.body.response.blocked_slots).toEqual([11]);
    expect(day.body.response.id).toBeNull();
  });

  describe("on the service zone's calendar (UTC here), with the clock pinned", () => {
    afterEach(unpinClock);

    it('accepts today until its last millisecond, its hours already passed included', async () => {
      const me = await signedInUser('today');
      pinClock('2030-06-15T23:59:59.999Z');
      const response = await block(me, { date: '2030-06-15', blocked_slots: [0, 23] });
      expect(response.status).toBe(200);
      expect(response.body.response).toMatchObject({ date: '2030-06-15', blocked_slots: [0, 23] });
    });

    it('refuses yesterday from the first millisecond of today, with the contract message', async () => {
      const me = await signedInUser('past');
      pinClock('2030-06-16T00:00:00.000Z');
      const response = await block(me, { date: '2030-06-15', blocked_slots: [23] });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ err_message: ["Slots can't be defined for past date"] });
      expect((await availability(me, 'date=2030-06-15')).body.response.blocked_slots).toEqual([]);
    });
  });

  it.each([
    [{ blocked_slots: [1] }, 'date', 'This field is required.'],
    [{ date: '01-12-2030', blocked_slots: [1] }, 'date', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    [{ date: '2030-02-30', blocked_slots: [1] }, 'date', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    [{ date: '2030-01-01' }, 'blocked_slots', 'This field is required.'],
    [{ date: '2030-01-01', blocked_slots: [] }, 'blocked_slots', 'This list may not be empty.'],
    [{ date: '2030-01-01', blocked_slots: 5 }, 'blocked_slots', 'Expected a list of items.'],
    [{ date: '2030-01-01', blocked_slots: [24] }, 'blocked_slots', 'Ensure this value is less than or equal to 23.'],
    [{ date: '2030-01-01', blocked_slots: [-1] }, 'blocked_slots', 'Ensure this value is greater than or equal to 0.'],
    [{ date: '2030-01-01', blocked_slots: [1.5] }, 'blocked_slots', 'A valid integer is required.'],
    [{ date: '2030-01-01', blocked_slots: [true] }, 'blocked_slots', 'A valid integer is required.'],
  ])('refuses %j on %s', async (body, field, message) => {
    const me = await signedInUser('invalid');
    const response = await block(me, body);
    expect(response.status).toBe(400);
    expect(response.body[field]).toContain(message);
    expect(response.body.err_message).toContain(`${field}: ${message}`);
  });

  it('accepts hours written as numeric strings', async () => {
    const me = await signedInUser('strings');
    const response = await block(me, { date: freshDate(), blocked_slots: ['7', 8] });
    expect(response.body.response.blocked_slots).toEqual([7, 8]);
  });

  it('needs authentication', async () => {
    const response = await call('POST', '/api/user/block_slots/', { body: { date: freshDate(), blocked_slots: [1] } });
    expect(response.status).toBe(401);
  });
});

describe('GET /api/user/get_available_slots/', () => {
  it('answers all 24 hours for a day with nothing defined', async () => {
    const me = await signedInUser('empty');
    const date = freshDate();
    const response = await availability(me, `date=${date}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      response: { id: null, user: me.user, date, blocked_slots: [], available_time_slots: allHours, created: null, modified: null },
    });
  });

  it("answers another user's day by email, in any case", async () => {
    const me = await signedInUser('viewer');
    const other = await signedInUser('viewed');
    const date = freshDate();
    await block(other, { date, blocked_slots: [8] });
    const response = await availability(me, `date=${date}&user=${encodeURIComponent(other.user.email.toUpperCase())}`);
    expect(response.body.response.user).toEqual(other.user);
    expect(response.body.response.blocked_slots).toEqual([8]);
  });

  it("counts the user's meetings as blocked hours", async () => {
    const organiser = await signedInUser('organiser');
    const guest = await signedInUser('guest');
    const date = freshDate();
    await block(guest, { date, blocked_slots: [20] });
    await call('POST', '/api/event/', {
      headers: organiser.auth,
      body: { title: 'Sync', time_slot: `${date} 09:00:00`, description: null, participants: [guest.user.email] },
    });
    const response = await availability(organiser, `date=${date}&user=${guest.user.email}`);
    expect(response.body.response.blocked_slots).toEqual([9, 20]);
    expect(response.body.response.available_time_slots).toEqual(without([9, 20]));
  });

  it.each([
    ['', 'date', 'This field is required.'],
    ['date=tomorrow', 'date', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
  ])('refuses the query "%s"', async (query, field, message) => {
    const me = await signedInUser('query');
    const response = await availability(me, query);
    expect(response.status).toBe(400);
    expect(response.body[field]).toEqual([message]);
  });

  it('refuses an unknown user email with the contract message', async () => {
    const me = await signedInUser('unknown');
    const response = await availability(me, `date=${freshDate()}&user=nobody-${Date.now()}@example.com`);
    expect(response.status).toBe(400);
    expect(response.body.user).toEqual([expect.stringMatching(/^Invalid email "nobody-\d+@example.com" - object does not exist\.$/)]);
  });
});
