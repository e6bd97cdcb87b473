/**
 * The OpenAPI document (GET /api/openapi.json) against the real handlers: every documented
 * operation is called with valid requests and with refusals, and each answer's status
 * must be documented for that operation and its body valid against the documented schema
 * (Ajv, JSON Schema 2020-12, OpenAPI 3.1's dialect). The valid requests are checked
 * against the documented request schemas too.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type Method, matchRoute } from '../../functions/routes';
import { type ApiResponse, call, type CallOptions, freshDate, type LoggedIn, signedInUser, uniqueUser } from '../support/api';
import { useDeliveries } from '../support/webhooks';

// Pings and redeliveries go to a receiver that does not answer (port 9): they only fail.
const deliveries = useDeliveries({ timeoutMs: 200 });
afterAll(() => deliveries.queue.stop());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let document: Json;
let ajv: Ajv2020;
const validators = new Map<string, ValidateFunction>();

/** A validator of a schema of the document, refs resolved within it. */
function validatorOf(schema: Json): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    const rebased = JSON.parse(key.replaceAll('"#/components/', '"openapi.json#/components/'));
    validate = ajv.compile(rebased);
    validators.set(key, validate);
  }
  return validate;
}

/** `<METHOD> <route path>` of every operation the document holds, and which were answered with success. */
const succeeded = new Set<string>();

function operationOf(method: string, url: string): { key: string; operation: Json } {
  const match = matchRoute(method, url.split('?')[0] ?? '');
  if (match.kind !== 'route') throw new Error(`${method} ${url} names no route`);
  const operation = document.paths[match.route.path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${match.route.path} is not in the document`);
  return { key: `${method} ${match.route.path}`, operation };
}

/** The answer's problems against the document: an undocumented status, another content type, a body off its schema. */
function problemsOf(method: string, url: string, response: ApiResponse): string[] {
  const { operation } = operationOf(method, url);
  const documented = operation.responses[String(response.status)];
  if (!documented) return [`status ${response.status} is not documented: ${response.text.slice(0, 200)}`];
  const type = String(response.headers['content-type'] ?? '').split(';')[0] ?? '';
  if (!documented.content) return response.text === '' ? [] : [`status ${response.status} documents no body, got ${type}`];
  const media = documented.content[type];
  if (!media) return [`content type ${type} is not documented for ${response.status}`];
  if (type !== 'application/json') return [];
  const validate = validatorOf(media.schema);
  return validate(response.body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

/** The request's problems against the documented request body. */
function requestProblemsOf(method: string, url: string, body: unknown): string[] {
  const { operation } = operationOf(method, url);
  const schema = operation.requestBody?.content['application/json']?.schema;
  if (!schema) return body === undefined ? [] : ['a body is sent to an operation that documents none'];
  const validate = validatorOf(schema);
  return validate(body) ? [] : (validate.errors ?? []).map((error) => `request ${error.instancePath} ${error.message}`);
}

/** Sends a request and checks the answer against the document; answers it. */
async function check(method: Method, url: string, options: CallOptions, expected: number, valid = false): Promise<ApiResponse> {
  if (valid) expect({ url, problems: requestProblemsOf(method, url, options.body) }).toEqual({ url, problems: [] });
  const response = await call(method, url, options);
  expect({ method, url, status: response.status, problems: problemsOf(method, url, response) }).toEqual({
    method,
    url,
    status: expected,
    problems: [],
  });
  if (response.status < 300) succeeded.add(operationOf(method, url).key);
  return response;
}

const booking = (date: string, participants: string[] = []) => ({
  title: 'Contract',
  description: 'Checked against the document',
  time_slot: `${date} 10:00:00`,
  participants,
});

let me: LoggedIn;
let guest: LoggedIn;
let auth: { headers: Record<string, string> };

beforeAll(async () => {
  const answer = await call('GET', '/api/openapi.json');
  document = answer.body;
  ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // The document is added as a whole so that schemas refer to its components; its
  // OpenAPI keywords outside schemas mean nothing to Ajv.
  ajv.addSchema({ $id: 'openapi.json', $defs: {}, components: { schemas: document.components.schemas } } as never);
  ajv.addKeyword('components');
  [me, guest] = await Promise.all([signedInUser('oacme'), signedInUser('oacguest')]);
  auth = { headers: me.auth };
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 in JSON Schema 2020-12, every component schema valid in strict mode', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const [name, schema] of Object.entries(document.components.schemas as Record<string, Json>)) {
      expect({ name, valid: typeof validatorOf(schema) }).toEqual({ name, valid: 'function' });
    }
  });

  it('holds examples that match their own schemas', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
      for (const [method, operation] of Object.entries(item as Record<string, Json>)) {
        const request = operation.requestBody?.content['application/json'];
        if (request && !validatorOf(request.schema)(request.example)) problems.push(`${method} ${path} request example`);
        for (const [status, answer] of Object.entries(operation.responses as Record<string, Json>)) {
          const media = answer.content?.['application/json'];
          if (media?.example !== undefined && !validatorOf(media.schema)(media.example))
            problems.push(`${method} ${path} ${status} example`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('every documented operation answers as documented', () => {
  it('users: sign up, login, who am I, logout', async () => {
    const candidate = uniqueUser('oacnew');
    await check('POST', '/api/user/sign_up/', { body: candidate }, 201, true);
    await check('POST', '/api/user/sign_up/', { body: candidate }, 400);
    await check('POST', '/api/user/sign_up/', { body: { username: '' } }, 400);
    await check('POST', '/api/user/sign_up/', { rawBody: '{"username":', headers: { 'content-type': 'application/json' } }, 400);
    await check('POST', '/api/user/sign_up/', { rawBody: 'username=x', headers: { 'content-type': 'text/plain' } }, 415);
    await check('POST', '/api/user/sign_up/', { rawBody: `{"username":"${'a'.repeat(70_000)}"}` }, 413);
    const login = await check(
      'POST',
      '/api/user/login/',
      { body: { username: candidate.username, password: candidate.password } },
      200,
      true,
    );
    await check('POST', '/api/user/login/', { body: { username: candidate.username, password: 'wrong-password' } }, 401);
    await check('POST', '/api/user/login/', { body: {} }, 400);
    const token = { authorization: `Token ${login.body.auth_token}` };
    await check('GET', '/api/user/get_detail/', { headers: token }, 200);
    await check('GET', '/api/user/get_detail/', { cookies: { sessionid: me.sessionId } }, 200);
    await check('GET', '/api/user/get_detail/', {}, 401);
    await check('POST', '/api/user/logout/', { cookies: { sessionid: me.sessionId, csrftoken: me.csrfToken } }, 403);
    await check('POST', '/api/user/logout/', { headers: token }, 200);
    await check('POST', '/api/user/logout/', { headers: token }, 401);
  });

  it('availability: block, unblock, replace, read a date or a range, common free time', async () => {
    const date = freshDate();
    await check('POST', '/api/user/block_slots/', { ...auth, body: { date, blocked_slots: [9, 10] } }, 200, true);
    await check('POST', '/api/user/block_slots/', { ...auth, body: { date: '2001-01-01', blocked_slots: [9] } }, 400);
    await check('POST', '/api/user/block_slots/', { ...auth, body: { date, blocked_slots: [] } }, 400);
    await check('POST', '/api/user/block_slots/', { body: { date, blocked_slots: [9] } }, 401);
    await check('POST', '/api/user/unblock_slots/', { ...auth, body: { date, unblocked_slots: [9] } }, 200, true);
    await check('POST', '/api/user/unblock_slots/', { ...auth, body: { date: 'soon', unblocked_slots: [9] } }, 400);
    await check('PUT', `/api/user/blocked_slots/${date}/`, { ...auth, body: { blocked_slots: [8] } }, 200, true);
    await check('PUT', `/api/user/blocked_slots/${date}/`, { ...auth, body: { blocked_slots: [] } }, 200, true);
    await check('PUT', '/api/user/blocked_slots/not-a-date/', { ...auth, body: { blocked_slots: [8] } }, 400);
    await check('PUT', `/api/user/blocked_slots/${date}/`, { cookies: { sessionid: me.sessionId }, body: { blocked_slots: [8] } }, 403);
    await check('GET', `/api/user/get_available_slots/?date=${date}`, auth, 200);
    await check('GET', `/api/user/get_available_slots/?date=${freshDate()}&user=${encodeURIComponent(guest.user.email)}`, auth, 200);
    await check('GET', `/api/user/get_available_slots/?from=${date}&to=${date}`, auth, 200);
    await check('GET', '/api/user/get_available_slots/', auth, 400);
    await check('GET', `/api/user/get_available_slots/?date=${date}&user=nobody@example.com`, auth, 400);
    const users = encodeURIComponent(guest.user.email);
    await check('GET', `/api/availability/common/?users=${users}&from=${date}&to=${date}`, auth, 200);
    await check('GET', `/api/availability/common/?from=${date}&to=${date}`, auth, 400);
    // Each of its query parameters is refused when missing, so each is documented as required.
    const query = { users, from: date, to: date };
    const documented = document.paths['/api/availability/common/'].get.parameters.filter((parameter: Json) => parameter.in === 'query');
    expect(documented.map((parameter: Json) => [parameter.name, parameter.required])).toEqual(
      Object.keys(query).map((name) => [name, true]),
    );
    for (const name of Object.keys(query)) {
      const rest = Object.entries(query).filter(([key]) => key !== name);
      const refused = await check('GET', `/api/availability/common/?${rest.map(([key, value]) => `${key}=${value}`).join('&')}`, auth, 400);
      expect(refused.body[name]).toEqual(['This field is required.']);
    }
    await check('GET', `/api/availability/common/?users=${users}&from=${date}&to=${date}`, {}, 401);
  });

  it('events: book, list, read, change', async () => {
    const date = freshDate();
    const booked = await check('POST', '/api/event/', { ...auth, body: booking(date, [guest.user.email]) }, 201, true);
    const id = booked.body.response.id as string;
    await check('POST', '/api/event/', { ...auth, body: booking(date, [guest.user.email]) }, 400);
    await check('POST', '/api/event/', { ...auth, body: { ...booking(date), time_slot: `${date} 10:30:00` } }, 400);
    await check('POST', '/api/event/', { ...auth, body: { title: '' } }, 400);
    const keyed = { headers: { ...me.auth, 'idempotency-key': `contract-${id}` } };
    await check('POST', '/api/event/', { ...keyed, body: { ...booking(date), time_slot: `${date} 12:00:00` } }, 201, true);
    await check('POST', '/api/event/', { ...keyed, body: { ...booking(date), time_slot: `${date} 13:00:00` } }, 422);
    await check('GET', '/api/event/', auth, 200);
    await check('GET', `/api/event/?from=${date}&to=${date}&status=active&limit=1`, auth, 200);
    await check('GET', '/api/event/?page=1', auth, 200);
    await check('GET', '/api/event/?page=0', auth, 404);
    await check('GET', '/api/event/?status=maybe', auth, 400);
    await check('GET', `/api/event/${id}/`, auth, 200);
    await check('GET', `/api/event/${id}/`, { headers: guest.auth }, 200);
    await check('GET', '/api/event/01M85N7KZJZGGN9F1T0WGJ2FBH/', auth, 404);
    await check('PATCH', `/api/event/${id}/`, { ...auth, body: { title: 'Renamed' } }, 200, true);
    await check('PATCH', `/api/event/${id}/`, { headers: guest.auth, body: { title: 'Mine' } }, 403);
    await check('PATCH', `/api/event/${id}/`, { ...auth, body: { participants: [guest.user.email] } }, 400);
    await check('POST', `/api/event/${id}/respond/`, { headers: guest.auth, body: { response: 'declined' } }, 200, true);
    await check('POST', `/api/event/${id}/respond/`, { headers: guest.auth, body: { response: 'maybe' } }, 400);
    await check('POST', `/api/event/${id}/respond/`, { ...auth, body: { response: 'declined' } }, 400);
    await check('POST', '/api/event/01M85N7KZJZGGN9F1T0WGJ2FBH/respond/', { headers: guest.auth, body: { response: 'accepted' } }, 404);
    const full = { ...booking(date, [me.user.email]), time_slot: `${date} 11:00:00`, description: null, status: 'active' };
    await check('PUT', `/api/event/${id}/`, { ...auth, body: full }, 200, true);
    await check('PUT', `/api/event/${id}/`, { ...auth, body: { title: 'Only' } }, 400);
    await check('PUT', '/api/event/01M85N7KZJZGGN9F1T0WGJ2FBH/', { ...auth, body: full }, 404);
    await check('PATCH', `/api/event/${id}/`, { ...auth, body: { status: 'cancelled' } }, 200, true);
  });

  it('calendars: a meeting as a file, a feed made, read, refreshed, ended', async () => {
    const booked = await check('POST', '/api/event/', { ...auth, body: booking(freshDate(), [guest.user.email]) }, 201, true);
    const id = booked.body.response.id as string;
    await check('GET', `/api/event/${id}/ics/`, { headers: guest.auth }, 200, true);
    await check('GET', '/api/event/01M85N7KZJZGGN9F1T0WGJ2FBH/ics/', auth, 404);
    const feed = await check('POST', '/api/user/calendar_feed/', auth, 201, true);
    const path = new URL(feed.body.url).pathname;
    const read = await check('GET', path, {}, 200, true);
    await check('GET', path, { headers: { 'if-none-match': String(read.headers.etag) } }, 304, true);
    await check('GET', '/api/calendar/nothing.ics', {}, 404);
    await check('DELETE', '/api/user/calendar_feed/', auth, 204, true);
    await check('GET', path, {}, 404);
  });

  it('webhooks: subscribe, list, read, change, rotate, ping, deliveries, redeliver, delete', async () => {
    const created = await check('POST', '/api/webhooks/', { ...auth, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } }, 201, true);
    const id = created.body.id as string;
    await check('POST', '/api/webhooks/', { ...auth, body: { url: 'ftp://example.com', events: ['nothing'] } }, 400);
    await check('GET', '/api/webhooks/', auth, 200);
    await check('GET', `/api/webhooks/${id}/`, auth, 200);
    await check('GET', `/api/webhooks/${id}/`, { headers: guest.auth }, 404);
    await check('PATCH', `/api/webhooks/${id}/`, { ...auth, body: { description: 'changed', active: true } }, 200, true);
    await check('PATCH', `/api/webhooks/${id}/`, { ...auth, body: { active: 'yes' } }, 400);
    await check('POST', `/api/webhooks/${id}/rotate_secret/`, auth, 200);
    await check('POST', '/api/webhooks/nope/rotate_secret/', auth, 404);
    const ping = await check('POST', `/api/webhooks/${id}/ping/`, auth, 202);
    await check('POST', '/api/webhooks/nope/ping/', auth, 404);
    await check('GET', `/api/webhooks/${id}/deliveries/`, auth, 200);
    await check('GET', '/api/webhooks/nope/deliveries/', auth, 404);
    await check('POST', `/api/webhooks/${id}/deliveries/${ping.body.delivery_id}/redeliver/`, auth, 202);
    await check('POST', `/api/webhooks/${id}/deliveries/nope/redeliver/`, auth, 404);
    await check('DELETE', `/api/webhooks/${id}/`, { cookies: { sessionid: me.sessionId, csrftoken: me.csrfToken } }, 403);
    await check('DELETE', `/api/webhooks/${id}/`, auth, 204);
    await check('DELETE', `/api/webhooks/${id}/`, auth, 404);
  });

  it('service: health, this document, the docs page, the web calendar and their files', async () => {
    await check('GET', '/api/health/', {}, 200);
    const described = await check('GET', '/api/openapi.json', {}, 200);
    await check('GET', '/api/openapi.json', { headers: { 'if-none-match': String(described.headers.etag) } }, 304);
    const page = await check('GET', '/api/docs/', {}, 200);
    await check('GET', '/api/docs/', { headers: { 'if-none-match': String(page.headers.etag) } }, 304);
    const file = await check('GET', '/api/docs/swagger-ui.css', {}, 200);
    await check('GET', '/api/docs/favicon-32x32.png', {}, 200);
    await check('GET', '/api/docs/swagger-ui.css', { headers: { 'if-none-match': String(file.headers.etag) } }, 304);
    await check('GET', '/api/docs/package.json', {}, 404);
    const app = await check('GET', '/', {}, 200);
    await check('GET', '/', { headers: { 'if-none-match': String(app.headers.etag) } }, 304);
    const script = await check('GET', '/app/app.js', {}, 200);
    await check('GET', '/app/app.css', {}, 200);
    await check('GET', '/app/icon.svg', {}, 200);
    await check('GET', '/app/app.js', { headers: { 'if-none-match': String(script.headers.etag) } }, 304);
    await check('GET', '/app/index.html', {}, 404);
  });

  it('called every operation of the document with success', () => {
    const operations = Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.filter((operation) => !succeeded.has(operation))).toEqual([]);
  });
});
