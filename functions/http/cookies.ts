/**
 * Cookies as API Gateway's payload 2.0 carries them: `event.cookies` is a list of
 * `name=value`, and a result's `cookies` become one Set-Cookie header each.
 */
import { servedLocally } from './responses';
import type { ApiEvent } from './types';

export const SESSION_COOKIE = 'sessionid';
export const CSRF_COOKIE = 'csrftoken';
/** The CSRF cookie outlives sessions, as Django's does (one year). */
const CSRF_MAX_AGE_SECONDS = 31_449_600;

export function readCookie(event: ApiEvent, name: string): string | undefined {
  // Stryker disable next-line ArrayDeclaration: equivalent: a made-up entry without `=` names no cookie
  for (const cookie of event.cookies ?? []) {
    for (const part of cookie.split(';')) {
      const separator = part.indexOf('=');
      if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
    }
  }
  return undefined;
}

/** Cookies are Secure everywhere but on the local runtime's plain HTTP (never decided by a header). */
const isHttps = (event: ApiEvent) => !servedLocally(event);

function cookie(name: string, value: string, attributes: string[], secure: boolean): string {
  return [`${name}=${value}`, 'Path=/', ...attributes, 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

export function loginCookies(event: ApiEvent, session: { sessionId: string; csrfToken: string; maxAgeSeconds: number }): string[] {
  const secure = isHttps(event);
  return [
    cookie(SESSION_COOKIE, session.sessionId, [`Max-Age=${session.maxAgeSeconds}`, 'HttpOnly'], secure),
    cookie(CSRF_COOKIE, session.csrfToken, [`Max-Age=${CSRF_MAX_AGE_SECONDS}`], secure),
  ];
}

export function logoutCookies(event: ApiEvent): string[] {
  const secure = isHttps(event);
  return [
    cookie(SESSION_COOKIE, '', ['Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'HttpOnly'], secure),
    cookie(CSRF_COOKIE, '', ['Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'], secure),
  ];
}
