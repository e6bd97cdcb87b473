/**
 * Authenticates every protected route: by `Authorization: Token ...`, or by the session
 * cookie with `X-CSRFToken` on unsafe methods. The rules are the domain's; this only
 * gathers what the request carries.
 */
import type { MiddlewareObj } from '@middy/core';
import { authenticate } from '../domain/auth';
import type { CredentialStore } from '../domain/ports';
import { readCookie, SESSION_COOKIE } from './cookies';
import type { ApiEvent, ApiResult } from './types';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What recognising a caller needs: the credential store and the tokens' lifetime. */
export interface AuthenticationPorts {
  credentials: CredentialStore;
  tokenTtlSeconds: number;
}

export function authentication({ credentials, tokenTtlSeconds }: AuthenticationPorts): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    // Stryker disable next-line StringLiteral: equivalent: middy hands a middleware's name only to profiling hooks, which no route uses
    name: 'authentication',
    before: async (request) => {
      const event = request.event;
      const headers = event.headers ?? {};
      event.principal = await authenticate(
        {
          authorization: headers.authorization,
          sessionId: readCookie(event, SESSION_COOKIE),
          csrfHeader: headers['x-csrftoken'],
          unsafeMethod: unsafeMethods.has(event.requestContext.http.method.toUpperCase()),
        },
        { credentials, now: new Date(), tokenTtlSeconds },
      );
    },
  };
}
