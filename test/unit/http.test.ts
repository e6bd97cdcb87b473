import { countStorageCall } from '../../functions/domain/deadline';
import {
  ConcurrentModification,
  CsrfFailed,
  InvalidCredentials,
  NotAuthenticated,
  NotFound,
  PermissionDenied,
  SlotConflict,
  SlotUnavailable,
  TemporarilyUnavailable,
  ValidationFailed,
} from '../../functions/domain/errors';
import { toHttpResult } from '../../functions/http/errors';
import { HttpError } from '../../functions/http/http-error';
import { authenticatedRoute, publicRoute } from '../../functions/http/route-handler';
import { sha256 } from '../../functions/domain/secrets';
import { MemoryCredentials } from './fakes';
import { json } from '../../functions/http/responses';
import { fallbackRoute, matchRoute, routes } from '../../functions/routes';
import { fromHandlerResult, localContext, toApiGatewayEvent } from '../../local/api-gateway';

const bodyOf = (error: unknown) => {
  const result = toHttpResult(error)!;
  return { status: result.statusCode, body: JSON.parse(result.body), headers: result.headers };
};

describe("errors become the contract's answers", () => {
  it.each([
    [new ValidationFailed({ title: ['Too long.'] }), 400, { title: ['Too long.'], err_message: ['title: Too long.'] }],
    [new SlotConflict('a@x.com'), 400, { err_message: ['Time slot is conflicting with another event for user : a@x.com'] }],
    [new SlotUnavailable('a@x.com'), 400, { err_message: ['Time slot is not available for user : a@x.com'] }],
    [new InvalidCredentials(), 401, { err_message: ['Credentials were not correct'] }],
    [new CsrfFailed('CSRF token missing.'), 403, { detail: 'CSRF Failed: CSRF token missing.' }],
    [new PermissionDenied(), 403, { detail: 'You do not have permission to perform this action.' }],
    [new NotFound(), 404, { detail: 'Not found.' }],
    [new ConcurrentModification(), 409, { detail: 'The resource was changed by another request; retry with fresh data.' }],
    [new HttpError(413, 'Too big.'), 413, { detail: 'Too big.' }],
  ])('%s -> %i', (error, status, body) => {
    expect(bodyOf(error)).toMatchObject({ status, body });
  });

  it('sends WWW-Authenticate with 401 for missing credentials, Retry-After with 503', () => {
    expect(bodyOf(new NotAuthenticated()).headers).toMatchObject({ 'www-authenticate': 'Token' });
    expect(bodyOf(new TemporarilyUnavailable())).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
  });

  it('leaves unknown errors to the generic 500', () => {
    expect(toHttpResult(new Error('boom'))).toBeUndefined();
  });
});

describe('the shared chain', () => {
  const echo = publicRoute({ body: true }, async ({ body }) => json(200, body));
  const crash = publicRoute({}, async () => {
    throw new Error('secret internals at /srv/app.js:12');
  });
  const invoke = async (
    handler: typeof echo,
    body?: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    base64 = false,
  ) => {
    const event = toApiGatewayEvent(
      { method: 'POST', url: '/x/', headers, body: body === undefined ? undefined : Buffer.from(body) },
      { routeKey: 'POST /x/' },
    );
    if (base64 && event.body !== undefined) {
      event.body = Buffer.from(body!).toString('base64');
      event.isBase64Encoded = true;
    }
    const result = fromHandlerResult(await handler(event as never, localContext('test')));
    return { status: result.statusCode, body: JSON.parse(result.body.toString()) };
  };

  it('parses a JSON object body, plain or base64-encoded', async () => {
    expect(await invoke(echo, '{"a": 1}')).toEqual({ status: 200, body: { a: 1 } });
    expect(await invoke(echo, '{"a": 2}', { 'content-type': 'application/json' }, true)).toEqual({ status: 200, body: { a: 2 } });
  });

  it('reads an empty body as {}', async () => {
    expect(await invoke(echo)).toEqual({ status: 200, body: {} });
  });

  it.each([
    ['{"a": ', 400],
    ['[1]', 400],
    [`{"a": "${'x'.repeat(70_000)}"}`, 413],
  ])('refuses %s with %i', async (body, status) => {
    expect((await invoke(echo, body.slice(0, 80_000))).status).toBe(status);
  });

  it('refuses a non-JSON content type with 415', async () => {
    expect(await invoke(echo, 'a=1', { 'content-type': 'text/plain' })).toEqual({
      status: 415,
      body: { detail: 'Unsupported media type "text/plain" in request.' },
    });
  });

  it('answers an unexpected failure with a generic 500 and no internals', async () => {
    const answer = await invoke(crash);
    expect(answer).toEqual({ status: 500, body: { detail: 'A server error occurred.' } });
  });
});

describe('the route table', () => {
  it('gives every route a unique name and matches each route at its own path', () => {
    expect(new Set(routes.map((route) => route.name)).size).toBe(routes.length);
    expect(routes.map((route) => route.name)).not.toContain(fallbackRoute.name);
    for (const route of routes) {
      const path = route.path.replace('{id}', 'abc');
      for (const method of route.methods) {
        for (const spelling of [path, path.replace(/\/$/, '')]) {
          const match = matchRoute(method, spelling);
          expect(match).toMatchObject({ kind: 'route', route: { name: route.name } });
        }
      }
    }
  });

  it('extracts and decodes path parameters, keeping a malformed encoding as sent', () => {
    expect(matchRoute('GET', '/api/event/a%20b/')).toMatchObject({ kind: 'route', pathParameters: { id: 'a b' } });
    expect(matchRoute('GET', '/api/event/%E0%A4%A/')).toMatchObject({ kind: 'route', pathParameters: { id: '%E0%A4%A' } });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(matchRoute('DELETE', '/api/event/abc/')).toEqual({ kind: 'wrongMethod', allowed: ['GET', 'HEAD', 'PUT', 'PATCH'] });
    expect(matchRoute('GET', '/api/events/')).toEqual({ kind: 'none' });
    expect(matchRoute('GET', '/api/event/a/b/')).toEqual({ kind: 'none' });
  });
});

describe('the API Gateway emulation', () => {
  it('builds a payload 2.0 event the way API Gateway does', () => {
    const event = toApiGatewayEvent(
      { method: 'get', url: '/api/x/?a=1&a=2&b=3', headers: { 'X-Thing': 'y', Cookie: 'sessionid=s; csrftoken=c' } },
      { routeKey: 'GET /api/x/' },
    );
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/api/x/',
      rawQueryString: 'a=1&a=2&b=3',
      queryStringParameters: { a: '1,2', b: '3' },
      cookies: ['sessionid=s', 'csrftoken=c'],
      headers: { 'x-thing': 'y' },
      requestContext: { http: { method: 'GET', path: '/api/x/' } },
      isBase64Encoded: false,
    });
    expect(event.headers.cookie).toBeUndefined();
  });

  it('passes binary bodies base64-encoded', () => {
    const event = toApiGatewayEvent(
      { method: 'POST', url: '/', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2]) },
      { routeKey: '$default' },
    );
    expect(event).toMatchObject({ body: 'AAEC', isBase64Encoded: true });
  });

  it('turns result cookies into Set-Cookie headers', () => {
    const response = fromHandlerResult({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json' },
      cookies: ['a=1', 'b=2'],
      body: '{}',
    });
    expect(response.headers).toEqual({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
    expect(response.statusCode).toBe(201);
  });
});

describe('the access log', () => {
  it('writes one JSON line per request with route, status, user, latency and storage calls, and no secrets', async () => {
    const { logger } = await import('../../functions/http/logger');
    logger.setLogLevel('INFO');
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as never);
    try {
      const handler = publicRoute({ body: true }, async () => {
        countStorageCall(7);
        countStorageCall(5);
        return json(201, { ok: true });
      });
      const event = toApiGatewayEvent(
        {
          method: 'POST',
          url: '/api/x/?token=abc',
          headers: { 'content-type': 'application/json', authorization: 'Token s3cret' },
          body: Buffer.from('{"password":"hunter22"}'),
        },
        { routeKey: 'POST /api/x/' },
      );
      await handler(event as never, localContext('test'));
    } finally {
      write.mockRestore();
      logger.setLogLevel('SILENT');
    }
    const entries = lines.map((line) => JSON.parse(line)).filter((entry) => entry.message === 'request');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      route: 'POST /api/x/',
      method: 'POST',
      path: '/api/x/',
      status: 201,
      latencyMs: expect.any(Number),
      dynamoDbCalls: 2,
      dynamoDbMs: 12,
    });
    for (const secret of ['s3cret', 'hunter22', 'token=abc']) expect(lines.join('')).not.toContain(secret);
  });
});

describe('a read by a caller the function has recognised before', () => {
  const ann = { id: 'id-ann', username: 'ann', email: 'ann@example.com' };
  const setUp = () => {
    const credentials = new MemoryCredentials();
    credentials.tokens.set(sha256('ann-token'), { user: ann, expiresAt: Math.floor(Date.now() / 1000) + 86_400 });
    const reads: string[] = [];
    const handler = authenticatedRoute({ credentials, tokenTtlSeconds: 86_400 }, {}, async ({ principal }) => {
      reads.push(principal.user.id);
      return json(200, { ok: true });
    });
    const get = async () => {
      const event = toApiGatewayEvent(
        { method: 'GET', url: '/api/x/', headers: { authorization: 'Token ann-token' } },
        { routeKey: 'GET /api/x/' },
      );
      return fromHandlerResult(await handler(event as never, localContext('test')));
    };
    return { credentials, reads, get };
  };

  it('names no user in the log line of a 401, and reads nothing more once refused', async () => {
    const { logger } = await import('../../functions/http/logger');
    const { credentials, reads, get } = setUp();
    expect((await get()).statusCode).toBe(200);
    expect((await get()).statusCode).toBe(200);
    await credentials.revokeAll(ann.id);
    logger.setLogLevel('INFO');
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as never);
    try {
      expect((await get()).statusCode).toBe(401);
      expect((await get()).statusCode).toBe(401);
    } finally {
      write.mockRestore();
      logger.setLogLevel('SILENT');
    }
    const entries = lines.map((line) => JSON.parse(line)).filter((entry) => entry.message === 'request');
    expect(entries.map((entry) => [entry.status, entry.userId])).toEqual([
      [401, undefined],
      [401, undefined],
    ]);
    // Read beside the check while remembered (the second and third requests), never after a refusal.
    expect(reads).toEqual([ann.id, ann.id, ann.id]);
  });
});

describe('security headers and nesting', () => {
  it('sends the security headers on every answer, errors included', async () => {
    for (const result of [json(200, {}), toHttpResult(new NotFound())!]) {
      expect(result.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
    }
  });

  it('refuses JSON nested deeper than 32 levels', async () => {
    const handler = publicRoute({ body: true }, async () => json(200, {}));
    const deep = `{"a":${'['.repeat(40)}${']'.repeat(40)}}`;
    const event = toApiGatewayEvent(
      { method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, body: Buffer.from(deep) },
      { routeKey: 'POST /' },
    );
    const result = fromHandlerResult(await handler(event as never, localContext('test')));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body.toString())).toEqual({ detail: 'JSON nests deeper than 32 levels.' });
  });
});
