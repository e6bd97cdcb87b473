import type { AddressInfo } from 'node:net';
import { routes } from '../../functions/routes';
import { createApiServer } from '../../local/server';
import { call, uniqueUser } from '../support/api';

describe('the HTTP edge', () => {
  it('serves health without authentication', async () => {
    const response = await call('GET', '/api/health/');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('serves a path without its trailing slash', async () => {
    const candidate = uniqueUser('noslash');
    expect((await call('POST', '/api/user/sign_up', { body: candidate })).status).toBe(201);
  });

  it('answers an unknown path with 404', async () => {
    const response = await call('GET', '/api/nothing/here/');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ detail: 'Not found.' });
  });

  it('answers a known path with a wrong method with 405 and Allow', async () => {
    const response = await call('GET', '/api/user/login/');
    expect(response.status).toBe(405);
    expect(response.body).toEqual({ detail: 'Method "GET" not allowed.' });
    expect(response.headers.allow).toBe('POST');
  });

  it('answers malformed JSON with 400', async () => {
    const response = await call('POST', '/api/user/sign_up/', {
      rawBody: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/^JSON parse error/);
  });

  it.each(['[1, 2]', '"text"', '42', 'null'])('answers the non-object body %s with 400', async (rawBody) => {
    const response = await call('POST', '/api/user/login/', { rawBody, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ detail: 'Invalid data. Expected a JSON object.' });
  });

  it('answers a body over 64 KiB with 413', async () => {
    const response = await call('POST', '/api/user/sign_up/', { body: { username: 'x', padding: 'y'.repeat(70_000) } });
    expect(response.status).toBe(413);
    expect(response.body.detail).toMatch(/too large/);
  });

  it('answers a non-JSON content type with 415', async () => {
    const response = await call('POST', '/api/user/login/', { rawBody: 'username=a', headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(response.body.detail).toBe('Unsupported media type "text/plain" in request.');
  });

  it('ignores unknown fields', async () => {
    const candidate = uniqueUser('extra');
    const response = await call('POST', '/api/user/sign_up/', { body: { ...candidate, extra: 1, constructor: { x: 1 } } });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(['email', 'id', 'username']);
  });

  it('refuses prototype keys before anything reads the body', async () => {
    const candidate = uniqueUser('proto');
    const rawBody = JSON.stringify(candidate).replace(/}$/, ', "__proto__": {"admin": true}}');
    const response = await call('POST', '/api/user/sign_up/', { rawBody, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ detail: 'JSON parse error - Forbidden key in JSON body' });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe("the local server's CORS, as API Gateway applies it", () => {
  const saved = process.env.CORS_ORIGINS;
  let base: string;
  let close: () => void;
  beforeAll(async () => {
    process.env.CORS_ORIGINS = 'https://app.example.com';
    const server = createApiServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => {
    close();
    if (saved === undefined) delete process.env.CORS_ORIGINS;
    else process.env.CORS_ORIGINS = saved;
  });

  it('answers a preflight from an allowed origin', async () => {
    const response = await fetch(`${base}/api/event/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-csrftoken');
  });

  it('allows from an allowed origin every method a route answers', async () => {
    const served = [...new Set(routes.flatMap((route) => route.methods))].sort();
    expect(served).toContain('DELETE');
    const response = await fetch(`${base}/api/webhooks/01ARZ3NDEKTSV4RRFFQ69G5FAV/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' },
    });
    expect(response.status).toBe(204);
    const allowed = response.headers.get('access-control-allow-methods')!.split(',');
    expect(served.filter((method) => !allowed.includes(method))).toEqual([]);
  });

  it('gives other origins nothing', async () => {
    const response = await fetch(`${base}/api/health/`, { headers: { origin: 'https://evil.example.com' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${base}/api/event/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(405);
  });

  it('marks answers to an allowed origin', async () => {
    const response = await fetch(`${base}/api/health/`, { headers: { origin: 'https://app.example.com' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('vary')).toBe('Origin');
  });
});

describe('HEAD, as HTTP has it', () => {
  let base: string;
  let close: () => void;
  beforeAll(async () => {
    const server = createApiServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it.each(['/api/health/', '/api/openapi.json', '/api/docs/'])(
    "answers HEAD %s with GET's status and headers, and no body",
    async (path) => {
      const [got, head] = await Promise.all([fetch(`${base}${path}`), fetch(`${base}${path}`, { method: 'HEAD' })]);
      const headers = (response: Response) => ({
        status: response.status,
        type: response.headers.get('content-type'),
        length: response.headers.get('content-length'),
      });
      expect(headers(head)).toEqual(headers(got));
      expect(got.status).toBe(200);
      expect(await head.text()).toBe('');
    },
  );

  it('refuses HEAD where there is no GET, and names HEAD among what a GET route allows', async () => {
    const head = await fetch(`${base}/api/user/sign_up/`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST');
    const post = await fetch(`${base}/api/health/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
