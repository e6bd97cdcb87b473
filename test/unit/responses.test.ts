import { absolutePath, json, securityHeaders } from '../../functions/http/responses';

const event = (headers: Record<string, string> | undefined, domainName = 'abc.execute-api.example') => ({
  headers,
  rawPath: '/api/event/',
  requestContext: { domainName },
});

describe('JSON answers', () => {
  it('carry the status, the security headers, extra headers and the body as JSON', () => {
    expect(json(201, { a: 1 }, { headers: { 'retry-after': '1' } })).toEqual({
      statusCode: 201,
      headers: { ...securityHeaders, 'retry-after': '1' },
      body: '{"a":1}',
    });
  });

  it('carry cookies when there are some', () => {
    expect(json(200, {}, { cookies: ['a=1'] }).cookies).toEqual(['a=1']);
  });

  it('carry no cookies field for an empty list', () => {
    expect(json(200, {}, { cookies: [] })).not.toHaveProperty('cookies');
  });
});

describe('the absolute path of a request', () => {
  it("uses the API's own domain over HTTPS, never the Host or forwarded headers", () => {
    expect(absolutePath(event({ host: 'evil.example', 'x-forwarded-proto': 'javascript' }))).toBe(
      'https://abc.execute-api.example/api/event/',
    );
    expect(absolutePath(event(undefined))).toBe('https://abc.execute-api.example/api/event/');
  });

  it("uses plain HTTP on the local runtime's loopback only", () => {
    expect(absolutePath(event({}, 'localhost:3000'))).toBe('http://localhost:3000/api/event/');
    expect(absolutePath(event({}, '127.0.0.1'))).toBe('http://127.0.0.1/api/event/');
    expect(absolutePath(event({}, 'localhost.example'))).toBe('https://localhost.example/api/event/');
  });
});
