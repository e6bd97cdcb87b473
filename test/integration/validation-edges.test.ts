/**
 * Edges of field validation through the routes: a string where a list is expected, whatever
 * its length, and dates of the years 0000-0099, which are dates like any other.
 */
import { timeSlotMessages } from '../../functions/domain/meetings';
import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';

const listMessage = 'Expected a list of items.';
const fieldError = (field: string, message: string) => ({ [field]: [message], err_message: [`${field}: ${message}`] });
const longString = 'x'.repeat(500);

let me: LoggedIn;
let meetingId: string;
let meeting: { title: string; description: string; time_slot: string; participants: string[]; status: string };

beforeAll(async () => {
  me = await signedInUser('edges');
  meeting = { title: 'Edges', description: '', time_slot: `${freshDate()} 10:00:00`, participants: [], status: 'active' };
  const booked = await call('POST', '/api/event/', { headers: me.auth, body: meeting });
  if (booked.status !== 201) throw new Error(`booking failed: ${booked.text}`);
  meetingId = booked.body.response.id;
});

describe('a string longer than the list limit where a list is expected', () => {
  it('answers only that a list is expected, as participants of a new meeting', async () => {
    const response = await call('POST', '/api/event/', { headers: me.auth, body: { ...meeting, participants: longString } });
    expect([response.status, response.body]).toEqual([400, fieldError('participants', listMessage)]);
  });

  it.each(['PUT', 'PATCH'])('answers only that a list is expected, as participants of a %s', async (method) => {
    const response = await call(method, `/api/event/${meetingId}/`, { headers: me.auth, body: { ...meeting, participants: longString } });
    expect([response.status, response.body]).toEqual([400, fieldError('participants', listMessage)]);
  });

  it('answers only that a list is expected, as blocked_slots', async () => {
    const response = await call('POST', '/api/user/block_slots/', {
      headers: me.auth,
      body: { date: freshDate(), blocked_slots: longString },
    });
    expect([response.status, response.body]).toEqual([400, fieldError('blocked_slots', listMessage)]);
  });
});

describe('a date of the years 0000-0099', () => {
  it('shows its availability as that of any past date', async () => {
    const [early, past] = await Promise.all(
      ['0050-01-01', '2000-01-01'].map((date) => call('GET', `/api/user/get_available_slots/?date=${date}`, { headers: me.auth })),
    );
    expect(early?.status).toBe(200);
    expect(early?.body).toEqual({ response: { ...past?.body.response, date: '0050-01-01' } });
  });

  it('may not have slots blocked, being past', async () => {
    const response = await call('POST', '/api/user/block_slots/', { headers: me.auth, body: { date: '0050-01-01', blocked_slots: [10] } });
    expect([response.status, response.body]).toEqual([400, { err_message: ["Slots can't be defined for past date"] }]);
  });

  it('is refused for a meeting as outside the bookable horizon, as 1969 is', async () => {
    const [early, late] = await Promise.all(
      ['0050-01-01 10:00:00', '1969-12-31 10:00:00'].map((time_slot) =>
        call('POST', '/api/event/', { headers: me.auth, body: { ...meeting, time_slot } }),
      ),
    );
    const outside = [400, fieldError('time_slot', timeSlotMessages.outsideHorizon)];
    expect([early?.status, early?.body]).toEqual(outside);
    expect([late?.status, late?.body]).toEqual(outside);
  });
});
