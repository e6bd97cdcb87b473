import { CSRF_COOKIE, loginCookies, logoutCookies, readCookie, SESSION_COOKIE } from '../../functions/http/cookies';
import type { ApiEvent } from '../../functions/http/types';

const event = (parts: { cookies?: string[]; headers?: Record<string, string>; domainName?: string }) =>
  ({ ...parts, requestContext: { domainName: parts.domainName ?? 'localhost:3000' } }) as unknown as ApiEvent;
const deployed = 'abc123.execute-api.eu-west-1.amazonaws.com';
const session = { sessionId: 's3ss10n', csrfToken: 'c5rf', maxAgeSeconds: 1209600 };

describe('reading a cookie', () => {
  it("finds a cookie by name among the request's cookies", () => {
    expect(readCookie(event({ cookies: ['csrftoken=c', 'sessionid=s'] }), 'sessionid')).toBe('s');
  });

  it('finds a cookie among several sent in one entry, trimming name and value', () => {
    expect(readCookie(event({ cookies: ['a=1;  sessionid = s ; b=2'] }), 'sessionid')).toBe('s');
  });

  it('keeps an equals sign inside the value', () => {
    expect(readCookie(event({ cookies: ['sessionid=a=b'] }), 'sessionid')).toBe('a=b');
  });

  it('answers an empty value as sent', () => {
    expect(readCookie(event({ cookies: ['sessionid='] }), 'sessionid')).toBe('');
  });

  it('answers undefined for a cookie that was not sent', () => {
    expect(readCookie(event({ cookies: ['sessionidx=s', 'xsessionid=s'] }), 'sessionid')).toBeUndefined();
  });

  it('answers undefined for a request without cookies', () => {
    expect(readCookie(event({}), 'sessionid')).toBeUndefined();
  });

  it('ignores parts without a name or without an equals sign', () => {
    expect(readCookie(event({ cookies: ['=s; sessionid; other=1'] }), 'sessionid')).toBeUndefined();
  });

  it('does not match an empty name to a nameless part', () => {
    expect(readCookie(event({ cookies: ['=s'] }), '')).toBeUndefined();
  });
});

describe('the login cookies', () => {
  it("set the session (HttpOnly, for the session's life) and the CSRF token (readable, for a year)", () => {
    expect(loginCookies(event({ headers: {} }), session)).toEqual([
      'sessionid=s3ss10n; Path=/; Max-Age=1209600; HttpOnly; SameSite=Lax',
      'csrftoken=c5rf; Path=/; Max-Age=31449600; SameSite=Lax',
    ]);
  });

  it('are Secure outside the local runtime, whatever a header says', () => {
    const cookies = loginCookies(event({ domainName: deployed, headers: { 'x-forwarded-proto': 'http' } }), session);
    expect(cookies.map((cookie) => cookie.split('; ').at(-1))).toEqual(['Secure', 'Secure']);
  });

  it("are not Secure on the local runtime's loopback, whatever a header says", () => {
    for (const domainName of ['localhost:3000', '127.0.0.1:8080', '[::1]:3000', 'localhost']) {
      expect(loginCookies(event({ domainName, headers: { 'x-forwarded-proto': 'https' } }), session)[0]).not.toMatch(/Secure/);
    }
  });

  it('are named as the browser reads them back', () => {
    const cookies = loginCookies(event({}), session).map((cookie) => cookie.slice(0, cookie.indexOf(';')));
    const back = event({ cookies });
    expect([readCookie(back, SESSION_COOKIE), readCookie(back, CSRF_COOKIE)]).toEqual(['s3ss10n', 'c5rf']);
  });
});

describe('the logout cookies', () => {
  it('expire both cookies at once', () => {
    expect(logoutCookies(event({}))).toEqual([
      'sessionid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
      'csrftoken=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax',
    ]);
  });

  it('are Secure outside the local runtime', () => {
    const cookies = logoutCookies(event({ domainName: deployed }));
    expect(cookies.every((cookie) => cookie.endsWith('; SameSite=Lax; Secure'))).toBe(true);
  });
});
