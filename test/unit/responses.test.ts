import { absolutePath, json, securityHeaders } from '../../functions/http/responses';

const event = (headers: Record<string, string> | undefined) => ({ headers, rawPath: '/api/event/', requestContext: { domainName: 'abc.execute-api.example' } });

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
  it('uses the Host header and the first forwarded scheme', () => {
    expect(absolutePath(event({ host: 'calendar.example', 'x-forwarded-proto': ' https , http' }))).toBe('https://calendar.example/api/event/');
  });

  it('falls back to plain HTTP and the API\'s domain name', () => {
    expect(absolutePath(event(undefined))).toBe('http://abc.execute-api.example/api/event/');
  });
});
