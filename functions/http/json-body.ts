/**
 * Parses a JSON object body with the contract's answers: 413 over 64 KiB, 415 for a
 * non-JSON content type, 400 for malformed JSON or a body that is not an object. An
 * empty body reads as `{}`, so missing fields are reported field by field.
 */
import type { MiddlewareObj } from '@middy/core';
import { HttpError } from './http-error';
import type { ApiEvent, ApiResult } from './types';

export const MAX_BODY_BYTES = 64 * 1024;

function rawBody(event: ApiEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

export function jsonBody(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
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
      event.jsonBody = parsed as Record<string, unknown>;
    },
  };
}
