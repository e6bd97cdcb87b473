import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { NotAuthenticated, TemporarilyUnavailable, Throttled, UnservableRequest } from '../../functions/domain/errors';
import { toHttpResult } from '../../functions/http/errors';
import { HttpError } from '../../functions/http/http-error';
import { publicRoute } from '../../functions/http/route-handler';
import { localContext, toApiGatewayEvent } from '../../local/api-gateway';
import { captureLogs } from './logs';

const named = (name: string, cause?: unknown) => Object.assign(new Error(`a ${name}`, { cause }), { name });
const answer = (error: unknown) => {
  const result = toHttpResult(error);
  return result && { status: result.statusCode, body: JSON.parse(result.body), retryAfter: result.headers?.['retry-after'] };
};

describe('the error mapping', () => {
  it('answers missing credentials with 401, the detail and WWW-Authenticate', () => {
    const result = toHttpResult(new NotAuthenticated())!;
    expect([result.statusCode, JSON.parse(result.body), result.headers?.['www-authenticate']]).toEqual([
      401,
      { detail: 'Authentication credentials were not provided.' },
      'Token',
    ]);
  });

  it('answers a throttled caller with 429 and when to retry', () => {
    expect(answer(new Throttled(37))).toEqual({
      status: 429,
      body: { detail: 'Request was throttled. Expected available in 37 seconds.' },
      retryAfter: '37',
    });
  });

  it('answers a busy store with 503, the detail and a retry after a second', () => {
    expect(answer(new TemporarilyUnavailable())).toEqual({
      status: 503,
      body: { detail: 'The service is busy; nothing was changed. Retry shortly.' },
      retryAfter: '1',
    });
  });

  it('answers an HTTP error with its status, detail and headers', () => {
    const result = toHttpResult(new HttpError(405, 'Method "PUT" not allowed.', { allow: 'GET' }))!;
    expect([result.statusCode, JSON.parse(result.body), result.headers?.allow]).toEqual([
      405,
      { detail: 'Method "PUT" not allowed.' },
      'GET',
    ]);
  });

  it('answers an Idempotency-Key reused with another body with 422', () => {
    expect(answer(named('IdempotencyValidationError'))).toEqual({
      status: 422,
      body: { detail: 'This Idempotency-Key was used with another request body.' },
      retryAfter: undefined,
    });
  });

  it('answers an Idempotency-Key still in progress with 409 and a retry after a second', () => {
    expect(answer(named('IdempotencyAlreadyInProgressError'))).toEqual({
      status: 409,
      body: { detail: 'A request with this Idempotency-Key is still in progress; retry shortly.' },
      retryAfter: '1',
    });
  });

  it('answers the idempotency store failing on a busy table (the store said so) with 503', () => {
    expect(answer(named('IdempotencyPersistenceLayerError', new TemporarilyUnavailable()))).toMatchObject({ status: 503, retryAfter: '1' });
  });

  it('leaves the idempotency store failing for another reason to the generic 500', () => {
    expect(toHttpResult(named('IdempotencyPersistenceLayerError', named('ValidationException')))).toBeUndefined();
  });

  it('leaves a transient cause of another error to the generic 500', () => {
    expect(toHttpResult(named('SomethingElse', named('ThrottlingException')))).toBeUndefined();
  });

  it('leaves raw DynamoDB errors to the generic 500: the store turns lasting faults into domain errors first', () => {
    expect(toHttpResult(named('ThrottlingException'))).toBeUndefined();
    const cancelled = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'TransactionConflict' }],
    });
    expect(toHttpResult(cancelled)).toBeUndefined();
  });

  it('answers a request the storage refused as invalid with 400', () => {
    expect(answer(new UnservableRequest())).toEqual({
      status: 400,
      body: { detail: 'This request cannot be served as asked; check its parameters.' },
      retryAfter: undefined,
    });
  });

  it('leaves a thrown non-error to the generic 500', () => {
    expect(toHttpResult('IdempotencyValidationError')).toBeUndefined();
  });

  it('names HTTP errors for the logs', () => {
    expect(new HttpError(400, 'Bad.').name).toBe('HttpError');
  });
});

describe('an unexpected failure', () => {
  it('is logged at error level with its stack and the path', async () => {
    const handler = publicRoute({}, async () => {
      throw new Error('boom');
    });
    const event = toApiGatewayEvent({ method: 'GET', url: '/api/x/', headers: {} }, { routeKey: 'GET /api/x/' });
    const lines = await captureLogs(() => handler(event as never, localContext('test')));
    const entry = lines.find((line) => line.message === 'Unhandled error');
    expect(entry).toMatchObject({
      level: 'ERROR',
      path: '/api/x/',
      error: { message: 'boom', stack: expect.stringContaining('Error: boom') },
    });
  });

  it('is answered as 500 and logged as such in the access log', async () => {
    const handler = publicRoute({}, async () => {
      throw new Error('boom');
    });
    const event = toApiGatewayEvent({ method: 'GET', url: '/api/x/', headers: {} }, { routeKey: 'GET /api/x/' });
    const lines = await captureLogs(() => handler(event as never, localContext('test')));
    expect(lines.find((line) => line.message === 'request')).toMatchObject({ level: 'ERROR', status: 500, service: 'calendar' });
  });

  it('differs from a known error, which is logged only as its request', async () => {
    const handler = publicRoute({}, async () => {
      throw new Throttled(1);
    });
    const event = toApiGatewayEvent({ method: 'GET', url: '/api/x/', headers: {} }, { routeKey: 'GET /api/x/' });
    const lines = await captureLogs(() => handler(event as never, localContext('test')));
    expect(lines.map((line) => [line.level, line.message])).toEqual([['INFO', 'request']]);
  });
});
