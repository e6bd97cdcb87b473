/**
 * The one place where errors become HTTP answers in the contract's shapes. Anything
 * unexpected is logged with its stack and answered with a generic 500 body.
 */
import type { MiddlewareObj } from '@middy/core';
import {
  BusinessRuleViolation,
  ConcurrentModification,
  CsrfFailed,
  InvalidCredentials,
  NotAuthenticated,
  NotFound,
  PermissionDenied,
  TemporarilyUnavailable,
  Throttled,
  ValidationFailed,
} from '../domain/errors';
import { isTransient } from '../store/retry';
import { HttpError } from './http-error';
import { logger } from './logger';
import { json } from './responses';
import type { ApiEvent, ApiResult } from './types';

export function toHttpResult(error: unknown): ApiResult | undefined {
  if (error instanceof ValidationFailed) {
    const errMessage = Object.entries(error.fields).flatMap(([field, list]) => list.map((message) => `${field}: ${message}`));
    return json(400, { ...error.fields, err_message: errMessage });
  }
  if (error instanceof BusinessRuleViolation) return json(400, { err_message: [error.message] });
  if (error instanceof InvalidCredentials) return json(401, { err_message: [error.message] });
  if (error instanceof NotAuthenticated) {
    return json(401, { detail: error.message }, { headers: { 'www-authenticate': 'Token' } });
  }
  if (error instanceof CsrfFailed || error instanceof PermissionDenied) return json(403, { detail: error.message });
  if (error instanceof NotFound) return json(404, { detail: error.message });
  if (error instanceof Throttled) {
    return json(429, { detail: error.message }, { headers: { 'retry-after': String(error.retryAfterSeconds) } });
  }
  if (error instanceof ConcurrentModification) return json(409, { detail: error.message });
  if (error instanceof TemporarilyUnavailable) {
    return json(503, { detail: error.message }, { headers: { 'retry-after': '1' } });
  }
  if (error instanceof HttpError) return json(error.statusCode, { detail: error.detail }, { headers: error.headers });
  // Powertools' idempotency errors, known by name so that routes without it need not load it.
  // Stryker disable next-line StringLiteral: equivalent: any text that is none of the names below serves
  const name = error instanceof Error ? error.name : '';
  if (name === 'IdempotencyValidationError') {
    return json(422, { detail: 'This Idempotency-Key was used with another request body.' });
  }
  if (name === 'IdempotencyAlreadyInProgressError') {
    return json(409, { detail: 'A request with this Idempotency-Key is still in progress; retry shortly.' }, { headers: { 'retry-after': '1' } });
  }
  if (name === 'IdempotencyPersistenceLayerError' && isTransient((error as Error).cause)) return toHttpResult(new TemporarilyUnavailable());
  // DynamoDB stayed throttled or unreachable beyond the SDK's own retries.
  if (isTransient(error)) return toHttpResult(new TemporarilyUnavailable());
  return undefined;
}

export function errorMapper(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    // Stryker disable next-line StringLiteral: equivalent: middy hands a middleware's name only to profiling hooks, which no route uses
    name: 'errorMapper',
    onError: (request) => {
      const known = toHttpResult(request.error);
      if (known) {
        request.response = known;
        return;
      }
      logger.error('Unhandled error', { error: request.error as Error, path: request.event.rawPath });
      request.response = json(500, { detail: 'A server error occurred.' });
    },
  };
}
