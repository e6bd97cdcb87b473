/**
 * The middleware chain every route shares, built in one place: metrics, the access log
 * and error mapping first (so they see every failure), then authentication
 * unless the route is public, then the JSON body when the route takes one, idempotency
 * when asked for, and the route's handler last. The chain is handed what it needs (the
 * credential store, the idempotency middleware); it never builds a store itself.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Principal } from '../domain/auth';
import { withDeadline } from '../domain/deadline';
import { accessLog } from './access-log';
import { authentication, type AuthenticationPorts } from './auth';
import { errorMapper } from './errors';
import { jsonBody } from './json-body';
import { publishMetrics } from './observability';
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

export interface AuthenticatedRequest extends PublicRequest {
  principal: Principal;
}

export function chain(
  options: AuthenticatedRouteOptions,
  authenticate: MiddlewareObj<ApiEvent, ApiResult> | undefined,
  run: (event: ApiEvent, context: Context) => Promise<ApiResult>,
) {
  const handler = middy<ApiEvent, ApiResult>().use(publishMetrics()).use(accessLog()).use(errorMapper());
  if (authenticate) handler.use(authenticate);
  if (options.body) handler.use(jsonBody());
  if (options.idempotent) handler.use(options.idempotent);
  const middyHandler = handler.handler(run);
  return (event: ApiEvent, context: Context) => withDeadline(requestDeadline(context), () => middyHandler(event, context));
}

/** The longest a request waits for storage, in AWS and locally alike. */
export const REQUEST_BUDGET_MS = 6_000;
/** What a request leaves of its function's remaining time, to answer before the function's own timeout. */
export const DEADLINE_MARGIN_MS = 1_000;

/** When a request's storage calls must have answered: its budget, and before the function's timeout. */
export function requestDeadline(context: Pick<Context, 'getRemainingTimeInMillis'>, now = Date.now()): number {
  return now + Math.max(0, Math.min(REQUEST_BUDGET_MS, context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS));
}

/** A route anyone may call. */
export function publicRoute(options: RouteOptions, handle: (request: PublicRequest) => Promise<ApiResult>) {
  return chain(options, undefined, (event, context) => handle({ event, context, body: event.jsonBody ?? {} }));
}

/** A route for authenticated callers only: `auth` recognises them. */
export function authenticatedRoute(
  auth: AuthenticationPorts,
  options: AuthenticatedRouteOptions,
  handle: (request: AuthenticatedRequest) => Promise<ApiResult>,
) {
  return chain(options, authentication(auth), async (event, context) => {
    const principal = event.principal ?? event.remembered;
    // Stryker disable next-line StringLiteral: equivalent: unreachable, the authentication middleware sets a principal or throws
    if (!principal) throw new Error('authentication middleware did not run');
    const answer = handle({ event, context, body: event.jsonBody ?? {}, principal });
    if (!event.authenticated) return answer;
    // A read that started beside the check of its caller: the check's answer comes first.
    const [checked, read] = await Promise.allSettled([event.authenticated, answer]);
    if (checked.status === 'rejected') throw checked.reason;
    event.principal = checked.value;
    if (read.status === 'rejected') throw read.reason;
    return read.value;
  });
}
