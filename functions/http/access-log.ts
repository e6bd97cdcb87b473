/**
 * One structured log line per request (Powertools Logger, JSON): request id, route,
 * method, path, user id, status and latency. Never bodies, headers, cookies, tokens or
 * query strings, which can carry secrets and personal data.
 */
import type { MiddlewareObj } from '@middy/core';
import { logger } from './logger';
import type { ApiEvent, ApiResult } from './types';

export function accessLog(): MiddlewareObj<ApiEvent, ApiResult> {
  // Keyed by event: the local server runs concurrent requests through one handler.
  const started = new WeakMap<ApiEvent, number>();
  const write = (request: { event: ApiEvent; response: ApiResult | null | undefined; context: { awsRequestId: string } }) => {
    const status = request.response?.statusCode ?? 500;
    const entry = {
      requestId: request.context.awsRequestId,
      gatewayRequestId: request.event.requestContext?.requestId,
      route: request.event.routeKey,
      method: request.event.requestContext?.http?.method,
      path: request.event.rawPath,
      userId: request.event.principal?.user.id,
      status,
      latencyMs: Math.round(performance.now() - (started.get(request.event) ?? performance.now())),
    };
    if (status >= 500) logger.error('request', entry);
    else logger.info('request', entry);
  };
  return {
    name: 'accessLog',
    before: (request) => {
      started.set(request.event, performance.now());
    },
    after: write,
    onError: write,
  };
}
