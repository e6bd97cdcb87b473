/**
 * `Idempotency-Key` on writes, with AWS Lambda Powertools' idempotency utility and its
 * DynamoDB persistence in the service's own table: a retry with the same key and body
 * gets the first answer for 24 hours; the same key with another body is refused (422);
 * a retry while the first is still running is refused (409). Keys are scoped to the
 * caller, the method and the path, so one user's key never answers another's request.
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { MiddlewareObj } from '@middy/core';
import { logAccess } from './access-log';
import type { ApiEvent, ApiResult } from './types';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** `persistenceStore` is where the records live (the composition root builds it over the table). */
export function idempotentWrites(persistenceStore: BasePersistenceLayer): MiddlewareObj<ApiEvent, ApiResult> {
  const idempotencyConfig = new IdempotencyConfig({
    // No header, no idempotency (the expression is then null); with one, the caller and
    // the request's target are part of the key.
    eventKeyJmesPath: 'headers."idempotency-key" && [principal.user.id, requestContext.http.method, rawPath, headers."idempotency-key"]',
    // The parsed body, so that a retry differing only in whitespace or key order matches.
    payloadValidationJmesPath: 'jsonBody',
    throwOnNoIdempotencyKey: false,
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
  });
  const powertools = makeHandlerIdempotent({ persistenceStore, config: idempotencyConfig }) as Required<
    Pick<MiddlewareObj<ApiEvent, ApiResult>, 'before' | 'after' | 'onError'>
  >;
  // Powertools' middleware deletes the key's in-progress record on any error, even when
  // its own `before` refused this request because another one holds that record: the
  // other request then loses its lock and a third runs the handler again. So the record
  // is released only by the request that took it.
  const owner = Symbol('idempotency-owner');
  return {
    // Stryker disable next-line StringLiteral: equivalent: middy hands a middleware's name only to profiling hooks, which no route uses
    name: 'idempotentWrites',
    before: async (request) => {
      const early = await powertools.before(request);
      (request.internal as Record<symbol, boolean>)[owner] = true;
      // A replayed answer ends the request here: middy runs no `after`, so log it now.
      if (early !== undefined) logAccess({ ...request, response: early as ApiResult });
      return early;
    },
    after: powertools.after,
    onError: async (request) => {
      if ((request.internal as Record<symbol, boolean>)[owner]) await powertools.onError(request);
    },
  };
}
