/**
 * Hints for common slips, added to the contract's answers without changing its messages:
 * another authorization scheme than Token, and a choice field's valid values.
 */
import { call, freshDate, signedInUser } from '../support/api';

describe('hints for common slips', () => {
  it.each(['Bearer', 'bearer', 'Basic'])('tells a caller who sends `Authorization: %s <key>` that the scheme is Token', async (scheme) => {
    const me = await signedInUser('hintscheme');
    const answer = await call('GET', '/api/user/get_detail/', { headers: { authorization: `${scheme} ${me.token}` } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Token');
    expect(answer.body).toEqual({
      detail: 'Authentication credentials were not provided.',
      hint: 'The API token goes in `Authorization: Token <auth_token>` (the scheme is Token, not Bearer).',
    });
  });

  it('adds no hint when no credentials were sent at all, nor to a bad token', async () => {
    expect((await call('GET', '/api/user/get_detail/')).body).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect((await call('GET', '/api/user/get_detail/', { headers: { authorization: 'Token nope' } })).body).toEqual({
      detail: 'Invalid token.',
    });
  });

  it('still takes a lower-case token scheme', async () => {
    const me = await signedInUser('hintlower');
    expect((await call('GET', '/api/user/get_detail/', { headers: { authorization: `token ${me.token}` } })).status).toBe(200);
  });

  it('lists the valid values of a choice field beside the contract message', async () => {
    const me = await signedInUser('hintchoice');
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Hint', description: '', time_slot: `${freshDate()} 10:00:00`, participants: [] },
    });
    const patched = await call('PATCH', `/api/event/${booked.body.response.id}/`, { headers: me.auth, body: { status: 'canceled' } });
    expect([patched.status, patched.body]).toEqual([
      400,
      {
        status: ['"canceled" is not a valid choice.'],
        err_message: ['status: "canceled" is not a valid choice.'],
        choices: { status: ['active', 'cancelled'] },
      },
    ]);
    const listed = await call('GET', '/api/event/?status=canceled', { headers: me.auth });
    expect([listed.status, listed.body]).toEqual([
      400,
      {
        status: ['"canceled" is not a valid choice.'],
        err_message: ['status: "canceled" is not a valid choice.'],
        choices: { status: ['active', 'cancelled'] },
      },
    ]);
  });

  it('adds no choices to other field errors', async () => {
    const me = await signedInUser('hintnone');
    const answer = await call('POST', '/api/user/block_slots/', { headers: me.auth, body: { date: 'soon', blocked_slots: [1] } });
    expect(answer.body).not.toHaveProperty('choices');
  });
});
