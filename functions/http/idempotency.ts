/**
 * `Idempotency-Key` on writes, with AWS Lambda Powertools' idempotency utility and its
 * records in the service's own table: a retry with the same key and body gets the first
 * answer for 24 hours; the same key with another body is refused (422); a retry while the
 * first is still running is refused (409). Keys are scoped to the caller, the method and
 * the path, so one user's key never answers another's request.
 *
 * A write whose deadline passed may still land: its in-progress record is kept (not
 * released as after other failures), so a retry waits (409) until the record expires with
 * the function's time, then runs again and finds the landed write by the request's key
 * (`requestKeyOf`), answering what the first attempt would have.
 */
import { createHash } from 'node:crypto';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { MiddlewareObj } from '@middy/core';
import { DeadlineExceeded } from '../domain/errors';
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
      if (request.error instanceof DeadlineExceeded) return;
      if ((request.internal as Record<symbol, boolean>)[owner]) await powertools.onError(request);
    },
  };
}

/** JSON with object keys in order, so that equal bodies give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The request's idempotency scope as stored with what it writes: the caller, the method,
 * the path, the key and the body, hashed. Undefined without an `Idempotency-Key`.
 */
export function requestKeyOf(event: ApiEvent): string | undefined {
  const key = event.headers['idempotency-key'];
  if (key === undefined) return undefined;
  const scope = [
    event.principal?.user.id ?? '',
    event.requestContext.http.method.toUpperCase(),
    event.rawPath,
    key,
    canonicalJson(event.jsonBody ?? {}),
  ];
  return createHash('sha256').update(JSON.stringify(scope)).digest('base64url');
}
