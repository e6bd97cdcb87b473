/**
 * The middleware chain every route shares, built in one place: the access log and error
 * mapping first (so they see every failure), then authentication unless the route is
 * public, then the JSON body when the route takes one, and the route's handler last.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { accessLog } from './access-log';
import { errorMapper } from './errors';
import { jsonBody } from './json-body';
import type { ApiEvent, ApiResult } from './types';

export interface RouteOptions {
  /** Parse a JSON object body. @default false */
  body?: boolean;
}

/** Options of authenticated routes. */
export interface AuthenticatedRouteOptions extends RouteOptions {
  /** Honours `Idempotency-Key` with this middleware (see `idempotency.ts`). @default none */
  idempotent?: MiddlewareObj<ApiEvent, ApiResult>;
}

export interface PublicRequest {
  event: ApiEvent;
  body: Record<string, unknown>;
  context: Context;
}

export function chain(
  options: AuthenticatedRouteOptions,
  authentication: MiddlewareObj<ApiEvent, ApiResult> | undefined,
  run: (event: ApiEvent, context: Context) => Promise<ApiResult>,
) {
  const handler = middy<ApiEvent, ApiResult>().use(accessLog()).use(errorMapper());
  if (authentication) handler.use(authentication);
  if (options.body) handler.use(jsonBody());
  if (options.idempotent) handler.use(options.idempotent);
  return handler.handler(run);
}

/** A route anyone may call. */
export function publicRoute(options: RouteOptions, handle: (request: PublicRequest) => Promise<ApiResult>) {
  return chain(options, undefined, (event, context) => handle({ event, context, body: event.jsonBody ?? {} }));
}
