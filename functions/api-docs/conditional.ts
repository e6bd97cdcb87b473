/**
 * Conditional GETs for the documentation's answers, which change only with a deployment:
 * a strong ETag of the content, and 304 when the client already holds it.
 */
import { createHash } from 'node:crypto';
import type { ApiEvent, ApiResult } from '../http/types';

export function etagOf(content: string | Buffer): string {
  return `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;
}

/** Whether `If-None-Match` names `etag` (or `*`); weak validators compare as strong ones here. */
export function holdsCurrent(event: Pick<ApiEvent, 'headers'>, etag: string): boolean {
  const header = event.headers?.['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim().replace(/^W\//, '');
    return value === '*' || value === etag;
  });
}

/** 304 with the headers a 200 would carry but its body's type. */
export function notModified(headers: Record<string, string>): ApiResult {
  const { 'content-type': _type, ...rest } = headers;
  return { statusCode: 304, headers: rest, body: '' };
}

/** Whether `Accept-Encoding` takes gzip (and does not refuse it with `q=0`). */
export const acceptsGzip = (header: string | undefined) => /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(header ?? '');
