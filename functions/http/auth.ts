/**
 * Authenticates every protected route: by `Authorization: Token ...`, or by the session
 * cookie with `X-CSRFToken` on unsafe methods. The rules are the domain's; this only
 * gathers what the request carries.
 *
 * A token or session names one user for its whole life, so the function remembers whom
 * the credentials it has checked name. A read (GET) with credentials it remembers starts
 * at once, beside their check, instead of after it: one DynamoDB step less. The check
 * still runs on every request and decides (`authenticatedRoute` waits for both): a
 * revoked, expired or unknown credential gets the same 401 whatever the read found.
 * Writes never start before their caller is recognised.
 */
import type { MiddlewareObj } from '@middy/core';
import LRUMap from 'mnemonist/lru-map.js';
import { authenticate, type Principal } from '../domain/auth';
import { NotAuthenticated } from '../domain/errors';
import { sha256 } from '../domain/secrets';
import type { CredentialStore } from '../domain/ports';
import { readCookie, SESSION_COOKIE } from './cookies';
import type { ApiEvent, ApiResult } from './types';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** How many callers a function remembers (the least recently seen are forgotten first). */
export const KNOWN_CALLERS = 1_000;

/** What recognising a caller needs: the credential store and the tokens' lifetime. */
export interface AuthenticationPorts {
  credentials: CredentialStore;
  tokenTtlSeconds: number;
}

export function authentication({ credentials, tokenTtlSeconds }: AuthenticationPorts): MiddlewareObj<ApiEvent, ApiResult> {
  // Keyed by a hash of the credentials presented; the values are the principals the check answered.
  const known = new LRUMap<string, Principal | undefined>(KNOWN_CALLERS);
  return {
    // Stryker disable next-line StringLiteral: equivalent: middy hands a middleware's name only to profiling hooks, which no route uses
    name: 'authentication',
    before: async (request) => {
      const event = request.event;
      const headers = event.headers ?? {};
      const presented = {
        authorization: headers.authorization,
        sessionId: readCookie(event, SESSION_COOKIE),
        csrfHeader: headers['x-csrftoken'],
        unsafeMethod: unsafeMethods.has(event.requestContext.http.method.toUpperCase()),
      };
      const key = sha256(`${presented.authorization ?? ''}\n${presented.sessionId ?? ''}`);
      const checked = authenticate(presented, { credentials, now: new Date(), tokenTtlSeconds }).then(
        (principal) => {
          known.set(key, principal);
          return principal;
        },
        (error: unknown) => {
          // Refused (revoked, expired, unknown): never read ahead with these again.
          // A transient failure of the check leaves them remembered.
          if (error instanceof NotAuthenticated && known.has(key)) known.set(key, undefined);
          throw error;
        },
      );
      const remembered = presented.unsafeMethod ? undefined : known.get(key);
      if (!remembered) {
        event.principal = await checked;
        return;
      }
      // The caller is not known until the check answers (the route sets `principal` then).
      event.remembered = remembered;
      event.authenticated = checked;
      // Handled by the route, which waits for it; never an unhandled rejection meanwhile.
      checked.catch(() => undefined);
    },
  };
}
