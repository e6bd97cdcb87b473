/**
 * Parses a JSON object body with the contract's answers: 413 over 64 KiB, 415 for a
 * non-JSON content type, 400 for malformed JSON or a body that is not an object. An
 * empty body reads as `{}`, so missing fields are reported field by field.
 */
import type { MiddlewareObj } from '@middy/core';
import { HttpError } from './http-error';
import type { ApiEvent, ApiResult } from './types';

export const MAX_BODY_BYTES = 64 * 1024;
/** No field of the contract nests deeper than 2; 32 leaves room and stops pathological input. */
export const MAX_DEPTH = 32;

/** How deeply `value` nests arrays and objects, walked without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function rawBody(event: ApiEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

export function jsonBody(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    // Stryker disable next-line StringLiteral: equivalent: middy hands a middleware's name only to profiling hooks, which no route uses
    name: 'jsonBody',
    before: (request) => {
      const event = request.event;
      const body = rawBody(event);
      if (body.length > MAX_BODY_BYTES) {
        throw new HttpError(413, `Request body is too large; the limit is ${MAX_BODY_BYTES} bytes.`);
      }
      const text = body.toString('utf8').trim();
      if (text === '') {
        event.jsonBody = {};
        return;
      }
      const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (contentType && contentType !== 'application/json' && !contentType.endsWith('+json')) {
        throw new HttpError(415, `Unsupported media type "${contentType}" in request.`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new HttpError(400, `JSON parse error - ${(error as Error).message}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new HttpError(400, 'Invalid data. Expected a JSON object.');
      }
      if (depthOf(parsed) > MAX_DEPTH) throw new HttpError(400, `JSON nests deeper than ${MAX_DEPTH} levels.`);
      event.jsonBody = parsed as Record<string, unknown>;
    },
  };
}
