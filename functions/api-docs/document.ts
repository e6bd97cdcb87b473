/**
 * The OpenAPI 3.1 document of the API, built from the route table (paths, methods, path
 * parameters, which routes touch the table), the operations described beside it
 * (`operations.ts`) and zod's own JSON Schema conversion of the request and answer
 * schemas. Pure: the same inputs give the same document.
 */
import * as z from 'zod/mini';
import type { Method, Route } from '../routes';
import { type Answer, type Operation, type QueryParameter, type RouteDocs } from './operations';
import { badRequest, detailError } from './schemas';

type Json = Record<string, unknown>;

export const OPENAPI_VERSION = '3.1.0';
const SCHEMAS = '#/components/schemas/';
const unsafe = new Set<Method>(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `[route name, method]` of every route and method of the table that `operations` leaves out. */
export function undocumented(routes: readonly Route[], operations: Readonly<Record<string, RouteDocs>>): string[] {
  return routes.flatMap((route) =>
    route.methods.filter((method) => !operations[route.name]?.[method]).map((method) => `${method} ${route.path} (${route.name})`),
  );
}

/** A JSON Schema of OpenAPI's dialect (2020-12) without the keywords a component does not need. */
function bare(schema: Json): Json {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

/** What a client may send: zod's input side, refinements and transforms left to the prose. */
function requestSchema(schema: z.ZodMiniType): Json {
  return bare(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json);
}

/** Every schema registered with an `id` (see `schemas.ts`), as components. */
function componentSchemas(): Record<string, Json> {
  const converted = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', io: 'output', uri: (id) => `${SCHEMAS}${id}` });
  return Object.fromEntries(Object.entries(converted.schemas).map(([id, schema]) => [id, bare(schema as Json)]));
}

/** An answer's schema: a reference to its component (every answer body is one, see `schemas.ts`). */
function answerSchema(schema: z.ZodMiniType): Json {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('an answer body must be a component of schemas.ts');
  return { $ref: `${SCHEMAS}${id}` };
}

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } } };

function response(answer: Answer): Json {
  const content: Json = {};
  if (answer.body)
    content['application/json'] = { schema: answerSchema(answer.body), ...(answer.example !== undefined && { example: answer.example }) };
  for (const [type, schema] of Object.entries(answer.media ?? {})) content[type] = { schema };
  return {
    description: answer.description,
    ...(answer.headers && { headers: answer.headers }),
    ...(Object.keys(content).length > 0 && { content }),
  };
}

/** The 400 of an operation: its fields, its rules, or a malformed request, whichever its description names. */
const invalidRequest = (description: string): Answer => ({ description, body: badRequest });

/**
 * The answers an operation shares with others, from what the contract says of every
 * route: credentials (401, and 403 for CSRF on unsafe methods), JSON bodies (400, 413,
 * 415), budgets (429), idempotency (409, 422) and a busy table (503).
 */
function sharedAnswers(route: Route, method: Method, operation: Operation): Record<number, Answer> {
  const shared: Record<number, Answer> = {};
  if (operation.body) {
    shared[400] = invalidRequest('Invalid fields or a business rule, or a malformed body (not JSON, not an object, nested too deep).');
    shared[413] = { description: 'The body is over 64 KiB.', body: detailError };
    shared[415] = { description: 'A body without a JSON content type.', body: detailError };
  }
  if (!operation.public) {
    shared[401] = {
      description: 'No or bad credentials: `Authentication credentials were not provided.` or `Invalid token.`.',
      body: detailError,
      headers: { 'WWW-Authenticate': { description: '`Token`', schema: { type: 'string', const: 'Token' } } },
    };
    if (unsafe.has(method))
      shared[403] = { description: 'A session without the matching `X-CSRFToken`: `CSRF Failed: ...`.', body: detailError };
  }
  if (operation.throttled)
    shared[429] = { description: 'Too many attempts: wait `Retry-After` seconds.', body: detailError, headers: retryAfter };
  if (operation.idempotent) {
    shared[409] = {
      description: 'A request with this Idempotency-Key is still running: retry after `Retry-After`.',
      body: detailError,
      headers: retryAfter,
    };
    shared[422] = { description: 'This Idempotency-Key was used with another request body.', body: detailError };
  }
  if (route.access !== 'none') {
    shared[503] = {
      description: 'The service is busy or did not answer in time; retry after `Retry-After`.',
      body: detailError,
      headers: retryAfter,
    };
  }
  return shared;
}

function parameters(route: Route, operation: Operation): Json[] {
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: operation.path?.[name as string] ?? '',
    schema: { type: 'string' },
  }));
  const inQuery = (operation.query ?? []).map((parameter: QueryParameter) => ({
    name: parameter.name,
    in: 'query',
    required: parameter.required ?? false,
    description: parameter.description,
    schema:
      parameter.schema instanceof Object && '_zod' in parameter.schema
        ? requestSchema(parameter.schema as z.ZodMiniType)
        : parameter.schema,
    ...(parameter.example !== undefined && { example: parameter.example }),
  }));
  const idempotency = operation.idempotent
    ? [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any string chosen per logical request: a retry with the same key and body gets the first answer again, writing nothing twice.',
          schema: { type: 'string', maxLength: 255 },
        },
      ]
    : [];
  return [...inPath, ...inQuery, ...idempotency];
}

function operationObject(route: Route, method: Method, operation: Operation): Json {
  const answers: Record<number, Answer> = { ...sharedAnswers(route, method, operation) };
  for (const [status, answer] of Object.entries(operation.responses)) {
    answers[Number(status)] = Number(status) === 400 ? invalidRequest(answer.description) : answer;
  }
  const list = parameters(route, operation);
  return {
    operationId: `${route.name}${route.methods.length > 1 ? method[0] + method.slice(1).toLowerCase() : ''}`,
    summary: operation.summary,
    ...(operation.description && { description: operation.description }),
    tags: [operation.tag],
    security: operation.public ? [] : unsafe.has(method) ? [{ token: [] }, { session: [], csrf: [] }] : [{ token: [] }, { session: [] }],
    ...(list.length > 0 && { parameters: list }),
    ...(operation.body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: requestSchema(operation.body.schema), example: operation.body.example } },
      },
    }),
    responses: Object.fromEntries(
      Object.entries(answers)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([status, answer]) => [status, response(answer)]),
    ),
  };
}

/** The OpenAPI document of `routes`, as `operations` describes them; undocumented routes are left out (see `undocumented`). */
export function openApiDocument(routes: readonly Route[], operations: Readonly<Record<string, RouteDocs>>): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    for (const method of route.methods) {
      const operation = operations[route.name]?.[method];
      if (!operation) continue;
      (paths[route.path] ??= {})[method.toLowerCase()] = operationObject(route, method, operation);
    }
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Calendar booking API',
      version: '1',
      description:
        'People publish when they are free, see when others are free, and book meetings with each other, never double-booked. ' +
        'Paths keep their trailing slash; the same path without it is served too. ' +
        'Dates, hours and naive time slots are in the service time zone (the `TIME_ZONE` setting).\n\n' +
        'Authenticate with **token** (`Authorization: Token <auth_token>`, from login) or with the **session** cookie that login sets; ' +
        'a session request with an unsafe method (POST, PUT, PATCH, DELETE) must also send **X-CSRFToken** equal to the `csrftoken` cookie.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Users', description: 'Sign up, log in, log out.' },
      { name: 'Availability', description: 'Blocked and free hours.' },
      { name: 'Events', description: 'Meetings: booking, listing, changing.' },
      { name: 'Webhooks', description: 'Subscriptions to domain events.' },
      { name: 'Service', description: 'Health and this documentation.' },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        token: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'The word `Token`, a space, and the `auth_token` of a login: `Token 7fefbc55...`.',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'sessionid',
          description: 'The session cookie login sets (browsers send it themselves).',
        },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: 'X-CSRFToken',
          description: 'The value of the `csrftoken` cookie, required with the session on POST, PUT, PATCH and DELETE.',
        },
      },
    },
  };
}
