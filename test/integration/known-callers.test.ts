/**
 * A read by a caller the function has recognised before starts beside the check of the
 * caller's credentials instead of after it (one DynamoDB step less). The credentials are
 * still checked on every request, and their answer decides: whatever the read found, a
 * revoked, expired or unknown credential gets the same 401 as before, and no write ever
 * starts before its caller is recognised.
 */
import { call, cookieValue, freshDate, signedInUser, uniqueUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { useSettings } from '../support/settings';

useSettings({ TOKEN_TTL_SECONDS: '3600' });

afterEach(unpinClock);

describe('a caller the function has recognised before', () => {
  it('is refused after logout, on every read, by token and by session', async () => {
    const me = await signedInUser('known');
    const session = { cookies: { sessionid: me.sessionId } };
    for (const path of ['/api/event/', '/api/user/get_detail/']) {
      expect((await call('GET', path, { headers: me.auth })).status).toBe(200);
      expect((await call('GET', path, session)).status).toBe(200);
    }
    expect((await call('POST', '/api/user/logout/', { headers: me.auth })).status).toBe(200);
    for (const path of ['/api/event/', '/api/user/get_detail/']) {
      const byToken = await call('GET', path, { headers: me.auth });
      expect({ status: byToken.status, body: byToken.body }).toEqual({ status: 401, body: { detail: 'Invalid token.' } });
      const bySession = await call('GET', path, session);
      expect({ status: bySession.status, body: bySession.body }).toEqual({
        status: 401,
        body: { detail: 'Authentication credentials were not provided.' },
      });
    }
  });

  it("gets 401, not the read's own refusal, once the token is revoked", async () => {
    const me = await signedInUser('known');
    expect((await call('GET', '/api/event/?page=1', { headers: me.auth })).status).toBe(200);
    expect((await call('POST', '/api/user/logout/', { headers: me.auth })).status).toBe(200);
    const response = await call('GET', '/api/event/?page=nine', { headers: me.auth });
    expect({ status: response.status, body: response.body }).toEqual({ status: 401, body: { detail: 'Invalid token.' } });
  });

  it('is refused once the token has expired', async () => {
    const start = Date.UTC(new Date().getUTCFullYear() + 1, 2, 1, 9);
    pinClock(start);
    const me = await signedInUser('known');
    expect((await call('GET', '/api/event/', { headers: me.auth })).status).toBe(200);
    setClock(start + 3_600_000);
    const response = await call('GET', '/api/event/', { headers: me.auth });
    expect({ status: response.status, body: response.body }).toEqual({ status: 401, body: { detail: 'Invalid token.' } });
  });

  it('writes nothing with a revoked token, however well the function knows it', async () => {
    const [me, guest] = await Promise.all([signedInUser('known'), signedInUser('known')]);
    const date = freshDate();
    const body = { title: 'Late', time_slot: `${date} 10:00:00`, participants: [guest.user.email] };
    expect((await call('GET', '/api/event/', { headers: me.auth })).status).toBe(200);
    expect((await call('POST', '/api/event/', { headers: me.auth, body: { ...body, time_slot: `${date} 09:00:00` } })).status).toBe(201);
    expect((await call('POST', '/api/user/logout/', { headers: me.auth })).status).toBe(200);
    expect((await call('POST', '/api/event/', { headers: me.auth, body })).status).toBe(401);
    const day = await call('GET', `/api/user/get_available_slots/?date=${date}&user=${me.user.email}`, { headers: guest.auth });
    expect(day.body.response.available_time_slots).toContain(10);
    expect(day.body.response.available_time_slots).not.toContain(9);
  });

  it('with a CSRF token on a session write, is still checked first', async () => {
    const me = await signedInUser('known');
    const cookies = { sessionid: me.sessionId, csrftoken: me.csrfToken };
    expect((await call('GET', '/api/event/', { cookies })).status).toBe(200);
    const refused = await call('POST', '/api/user/logout/', { cookies });
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 403, body: { detail: 'CSRF Failed: CSRF token missing.' } });
    expect(cookieValue(refused.setCookies, 'sessionid')).toBeUndefined();
  });
});

describe('people the function has found by email before', () => {
  it('include someone who signs up after their email was refused as unknown', async () => {
    const me = await signedInUser('inviter');
    const late = uniqueUser('late');
    const date = freshDate();
    const body = { title: 'Welcome', time_slot: `${date} 10:00:00`, participants: [late.email] };
    const refused = await call('POST', '/api/event/', { headers: me.auth, body });
    expect(refused.body.participants).toEqual([`Invalid email "${late.email}" - object does not exist.`]);
    expect((await call('POST', '/api/user/sign_up/', { body: late })).status).toBe(201);
    const booked = await call('POST', '/api/event/', { headers: me.auth, body });
    expect(booked.status).toBe(201);
    expect(booked.body.response.participants).toEqual([me.user.email, late.email]);
  });
});
