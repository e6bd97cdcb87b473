import { call, signedInUser } from '../support/api';

// The handlers read TIME_ZONE when first loaded; each test file has its own modules.
const previous = process.env.TIME_ZONE;
beforeAll(() => {
  process.env.TIME_ZONE = 'America/New_York';
});
afterAll(() => {
  if (previous === undefined) delete process.env.TIME_ZONE;
  else process.env.TIME_ZONE = previous;
});

const book = (auth: Record<string, string>, time_slot: string) =>
  call('POST', '/api/event/', { headers: auth, body: { title: 'Zoned', description: '', participants: [], time_slot } });

describe('a service in America/New_York', () => {
  it('reads naive time slots on the zone\'s wall clock and answers in it', async () => {
    const me = await signedInUser('zone');
    const response = await book(me.auth, '2031-07-01 09:00:00');
    expect(response.status).toBe(201);
    expect(response.body.response.time_slot).toBe('2031-07-01 09:00:00');
    const day = await call('GET', '/api/user/get_available_slots/?date=2031-07-01', { headers: me.auth });
    expect(day.body.response.blocked_slots).toEqual([9]);
  });

  it('converts instants to the zone, daylight saving time included', async () => {
    const me = await signedInUser('instant');
    const summer = await book(me.auth, '2031-07-02T13:00:00Z');
    expect(summer.body.response.time_slot).toBe('2031-07-02 09:00:00');
    const winter = await book(me.auth, '2031-01-02T13:00:00Z');
    expect(winter.body.response.time_slot).toBe('2031-01-02 08:00:00');
  });

  it('refuses a wall-clock hour the zone skips when clocks go forward', async () => {
    const me = await signedInUser('gap');
    const response = await book(me.auth, '2031-03-09 02:00:00');
    expect(response.status).toBe(400);
    expect(response.body.time_slot).toEqual(['Invalid datetime for the timezone "America/New_York".']);
  });

  it('treats both instants of the repeated hour as one slot', async () => {
    const me = await signedInUser('repeat');
    const first = await book(me.auth, '2031-11-02T05:00:00Z'); // 01:00 EDT
    expect(first.body.response.time_slot).toBe('2031-11-02 01:00:00');
    const second = await book(me.auth, '2031-11-02T06:00:00Z'); // 01:00 EST, the same wall-clock hour
    expect(second.body).toEqual({ err_message: [`Time slot is conflicting with another event for user : ${me.user.email}`] });
  });
});
