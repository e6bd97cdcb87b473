import { HttpError } from '../../functions/http/http-error';
import { jsonBody } from '../../functions/http/json-body';
import { json } from '../../functions/http/responses';
import { publicRoute } from '../../functions/http/route-handler';
import type { ApiEvent } from '../../functions/http/types';
import { fromHandlerResult, localContext, toApiGatewayEvent } from '../../local/api-gateway';
import { expectThrow } from './expect-error';

/** Runs the middleware on an event with `body` and these headers (none when null); answers the parsed body. */
function parse(body: string | undefined, headers: Record<string, string> | null = { 'content-type': 'application/json' }) {
  const event = { body, ...(headers ? { headers } : {}), isBase64Encoded: false } as unknown as ApiEvent;
  jsonBody().before!({ event } as never);
  return event.jsonBody;
}

const parseError = (text: string) => {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
};

/** `{"a": [[...]]}`: an object around arrays, `depth` levels in all. */
const nested = (depth: number) => `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

describe('the JSON body', () => {
  it('reads a body that is only whitespace as {}', () => {
    expect(parse(' \n\t ')).toEqual({});
  });

  it('refuses a body without a content type (415): it does not say it is JSON', () => {
    const error = expectThrow(() => parse('{"a": 1}', {}), HttpError, 'Unsupported media type "" in request.');
    expect(error.statusCode).toBe(415);
  });

  it('reads an empty body without a content type as {}', () => {
    expect(parse('', {})).toEqual({});
  });

  it('refuses prototype keys', () => {
    expectThrow(() => parse('{"a": {"__proto__": {"x": 1}}}'), HttpError, 'JSON parse error - Forbidden key in JSON body');
  });

  it.each(['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json'])(
    'reads the content type %s as JSON',
    (type) => {
      expect(parse('{"a": 1}', { 'content-type': type })).toEqual({ a: 1 });
    },
  );

  it('refuses a content type that only starts like JSON', () => {
    expectThrow(() => parse('{"a": 1}', { 'content-type': '+json/text' }), HttpError, 'Unsupported media type "+json/text" in request.');
  });

  it("answers malformed JSON with 400 and the parser's reason", () => {
    const error = expectThrow(() => parse('{"a": '), HttpError, `JSON parse error - ${parseError('{"a": ')}`);
    expect(error.statusCode).toBe(400);
  });

  it.each(['null', '5', '"text"', 'true', '[1]'])('refuses the JSON %s, which is not an object', (text) => {
    const error = expectThrow(() => parse(text), HttpError, 'Invalid data. Expected a JSON object.');
    expect(error.statusCode).toBe(400);
  });

  it('accepts JSON nested 32 levels deep', () => {
    expect(parse(nested(32))).toHaveProperty('a');
  });

  it('refuses JSON nested 33 levels deep', () => {
    expectThrow(() => parse(nested(33)), HttpError, 'JSON nests deeper than 32 levels.');
  });

  it('refuses a body over 64 KiB with 413', () => {
    const error = expectThrow(
      () => parse(`{"a":"${'x'.repeat(65_530)}"}`),
      HttpError,
      'Request body is too large; the limit is 65536 bytes.',
    );
    expect(error.statusCode).toBe(413);
  });

  it('accepts a body of exactly 64 KiB', () => {
    expect(parse(`{"a":"${'x'.repeat(65_528)}"}`)).toHaveProperty('a');
  });
});

describe('a route that takes no body', () => {
  it('hands its handler {} whatever the request carried', async () => {
    const handler = publicRoute({}, async ({ body }) => json(200, body));
    const event = toApiGatewayEvent(
      { method: 'POST', url: '/x/', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a": 1}') },
      { routeKey: 'POST /x/' },
    );
    const result = fromHandlerResult(await handler(event as never, localContext('test')));
    expect(JSON.parse(result.body.toString())).toEqual({});
  });
});
