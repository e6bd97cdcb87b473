/**
 * One structured log line per request (Powertools Logger, JSON): request id, route,
 * method, path, user id, status, latency, and the DynamoDB calls the request made with
 * the milliseconds they took (summed; calls made side by side overlap). Never bodies, headers, cookies, tokens,
 * query strings or calendar feed secrets, which can carry secrets and personal data.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import { storageTally } from '../domain/deadline';
import { logger } from './logger';
import type { ApiEvent, ApiResult } from './types';

// Stryker disable next-line StringLiteral: equivalent: any key of request.internal serves
const STARTED = 'accessLogStarted';

/** The path as logs show it: a calendar feed's URL is its credential, so its secret is left out. */
export function loggedPath(rawPath: string): string {
  return rawPath.replace(/^(\/api\/calendar\/)[^/]+/, '$1{secret}');
}

/** Writes the request's line. Also called by middlewares that answer early (middy then skips `after`). */
export function logAccess(request: Request<ApiEvent, ApiResult>): void {
  const started = (request.internal as Record<string, number>)[STARTED] ?? performance.now();
  const status = request.response?.statusCode ?? 500;
  const storage = storageTally();
  const entry = {
    requestId: request.context.awsRequestId,
    gatewayRequestId: request.event.requestContext?.requestId,
    route: request.event.routeKey,
    method: request.event.requestContext?.http?.method,
    path: loggedPath(request.event.rawPath),
    userId: request.event.principal?.user.id,
    status,
    latencyMs: Math.round(performance.now() - started),
    dynamoDbCalls: storage?.calls,
    dynamoDbMs: storage?.ms,
  };
  if (status >= 500) logger.error('request', entry);
  else logger.info('request', entry);
}

export function accessLog(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    // Stryker disable next-line StringLiteral: equivalent: middy hands a middleware's name only to profiling hooks, which no route uses
    name: 'accessLog',
    before: (request) => {
      (request.internal as Record<string, number>)[STARTED] = performance.now();
    },
    after: logAccess,
    onError: logAccess,
  };
}
