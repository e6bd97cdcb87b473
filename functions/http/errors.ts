/**
 * The one place where errors become HTTP answers in the contract's shapes: a registry
 * from error class to answer, looked up along the error's class chain, so the most
 * specific registration wins. Anything unregistered is logged with its stack and
 * answered with a generic 500 body.
 */
import type { MiddlewareObj } from '@middy/core';
import {
  BusinessRuleViolation,
  ConcurrentModification,
  SlotConflict,
  SlotUnavailable,
  CsrfFailed,
  InvalidCredentials,
  NotAuthenticated,
  NotFound,
  PermissionDenied,
  TemporarilyUnavailable,
  Throttled,
  UnservableRequest,
  ValidationFailed,
} from '../domain/errors';
import { loggedPath } from './access-log';
import { HttpError } from './http-error';
import { logger } from './logger';
import { businessMetric } from './observability';
import { json } from './responses';
import type { ApiEvent, ApiResult } from './types';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;
type Answer = (error: Error) => ApiResult | undefined;

const byClass = new Map<unknown, Answer>();

function answer<E extends Error>(type: ErrorClass<E>, toResult: (error: E) => ApiResult): void {
  byClass.set(type, toResult as Answer);
}

answer(ValidationFailed, (error) => {
  const errMessage = Object.entries(error.fields).flatMap(([field, list]) => list.map((message) => `${field}: ${message}`));
  return json(400, { ...error.fields, err_message: errMessage, ...(error.choices && { choices: error.choices }) });
});
answer(BusinessRuleViolation, (error) => json(400, { err_message: [error.message] }));
answer(InvalidCredentials, (error) => json(401, { err_message: [error.message] }));
answer(NotAuthenticated, (error) =>
  json(401, { detail: error.message, ...(error.hint && { hint: error.hint }) }, { headers: { 'www-authenticate': 'Token' } }),
);
answer(CsrfFailed, (error) => json(403, { detail: error.message }));
answer(PermissionDenied, (error) => json(403, { detail: error.message }));
answer(NotFound, (error) => json(404, { detail: error.message }));
answer(Throttled, (error) => json(429, { detail: error.message }, { headers: { 'retry-after': String(error.retryAfterSeconds) } }));
answer(ConcurrentModification, (error) => json(409, { detail: error.message }));
answer(TemporarilyUnavailable, (error) => json(503, { detail: error.message }, { headers: { 'retry-after': '1' } }));
answer(UnservableRequest, (error) => json(400, { detail: error.message }));
answer(HttpError, (error) => json(error.statusCode, { detail: error.detail }, { headers: error.headers }));

/**
 * Powertools' idempotency errors, known by name so that routes without idempotency need
 * not load that library.
 */
const byName: Record<string, Answer> = {
  IdempotencyValidationError: () => json(422, { detail: 'This Idempotency-Key was used with another request body.' }),
  IdempotencyAlreadyInProgressError: () =>
    json(409, { detail: 'A request with this Idempotency-Key is still in progress; retry shortly.' }, { headers: { 'retry-after': '1' } }),
  // The store turned a lasting DynamoDB fault into TemporarilyUnavailable; Powertools wrapped it.
  IdempotencyPersistenceLayerError: (error) => (error.cause instanceof TemporarilyUnavailable ? toHttpResult(error.cause) : undefined),
};

/** The contract's answer to `error`, or undefined when nothing is registered for it. */
export function toHttpResult(error: unknown): ApiResult | undefined {
  if (!(error instanceof Error)) return undefined;
  for (let type = Object.getPrototypeOf(error); type && type !== Error.prototype; type = Object.getPrototypeOf(type)) {
    const found = byClass.get(type.constructor);
    if (found) return found(error);
  }
  return byName[error.name]?.(error);
}

export function errorMapper(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    // Stryker disable next-line StringLiteral: equivalent: middy hands a middleware's name only to profiling hooks, which no route uses
    name: 'errorMapper',
    onError: (request) => {
      const error = request.error;
      const known = toHttpResult(error);
      if (known) {
        if (known.statusCode < 500 && error) businessMetric.rejected(error.name);
        if (error instanceof SlotConflict || error instanceof SlotUnavailable || error instanceof ConcurrentModification) {
          businessMetric.conflict();
        }
        request.response = known;
        return;
      }
      logger.error('Unhandled error', { error: request.error as Error, path: loggedPath(request.event.rawPath) });
      request.response = json(500, { detail: 'A server error occurred.' });
    },
  };
}
