/** Edges of field validation through the routes: a string where a list is expected, whatever its length. */
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
