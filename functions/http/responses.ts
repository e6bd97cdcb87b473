import type { ApiResult } from './types';

/** On every answer: JSON, never cached, never sniffed, framed or given a referrer. */
export const securityHeaders = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
} as const;

export interface ResponseExtras {
  headers?: Record<string, string>;
  /** Set-Cookie values, one per cookie (API Gateway turns each into a header). */
  cookies?: string[];
}

export function json(statusCode: number, body: unknown, extras: ResponseExtras = {}): ApiResult {
  return {
    statusCode,
    headers: { ...securityHeaders, ...extras.headers },
    body: JSON.stringify(body),
    ...(extras.cookies && extras.cookies.length > 0 ? { cookies: extras.cookies } : {}),
  };
}

/** The absolute URL of the request's path, as the client reached it. */
export function absolutePath(event: { headers?: Record<string, string | undefined>; rawPath: string; requestContext: { domainName: string } }): string {
  const headers = event.headers ?? {};
  const scheme = (headers['x-forwarded-proto'] ?? 'http').split(',')[0]!.trim();
  const host = headers.host ?? event.requestContext.domainName;
  return `${scheme}://${host}${event.rawPath}`;
}
