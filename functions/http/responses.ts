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

/** 204: done, nothing to show (the security headers, no body). */
export function noContent(): ApiResult {
  const { 'content-type': _json, ...headers } = securityHeaders;
  return { statusCode: 204, headers, body: '' };
}

type RequestOrigin = { requestContext: { domainName: string } };

/** The local runtime serves on a loopback name; API Gateway on its own (or a custom) domain. */
const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/i;

/** Whether the request reached the local runtime (plain HTTP on loopback) rather than AWS. */
export function servedLocally(event: RequestOrigin): boolean {
  return loopback.test(event.requestContext.domainName);
}

/**
 * The absolute URL of the request's path on the API's own domain (`requestContext.domainName`,
 * set by API Gateway, or by the local runtime from its own address): never from `Host` or
 * `X-Forwarded-*`, which a client writes. HTTPS everywhere but the local runtime.
 */
export function absolutePath(event: RequestOrigin & { rawPath: string }): string {
  return `${apiOrigin(event)}${event.rawPath}`;
}

/** The API's own origin (`https://<domain>`), by the same rules as `absolutePath`. */
export function apiOrigin(event: RequestOrigin): string {
  return `${servedLocally(event) ? 'http' : 'https'}://${event.requestContext.domainName}`;
}
