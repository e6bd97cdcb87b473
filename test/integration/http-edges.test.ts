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
    const response = await call('POST', '/api/user/sign_up/', { rawBody: '{"username": ', headers: { 'content-type': 'application/json' } });
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

  it('ignores unknown fields and prototype keys', async () => {
    const candidate = uniqueUser('proto');
    const rawBody = JSON.stringify({ ...candidate, extra: 1 }).replace(/}$/, ', "__proto__": {"admin": true}, "constructor": {"x": 1}}');
    const response = await call('POST', '/api/user/sign_up/', { rawBody, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(['email', 'id', 'username']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
