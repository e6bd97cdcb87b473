import type { ApiResult } from './types';

const baseHeaders = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export interface ResponseExtras {
  headers?: Record<string, string>;
  /** Set-Cookie values, one per cookie (API Gateway turns each into a header). */
  cookies?: string[];
}

export function json(statusCode: number, body: unknown, extras: ResponseExtras = {}): ApiResult {
  return {
    statusCode,
    headers: { ...baseHeaders, ...extras.headers },
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
