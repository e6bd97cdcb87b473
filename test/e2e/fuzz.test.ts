import fc from 'fast-check';
import { routes } from '../../functions/routes';
import { futureDate, uniqueUser } from '../support/api';
import { httpClient, httpUser } from '../support/http-client';
import { integrityOf } from '../support/integrity';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(180_000);

// A day well ahead of any clock this runs on: the setup meeting's, and the dates and
// times the fuzz sends, so that some of its requests aim at a real booking.
const day = futureDate(60);
const organiserCredentials = uniqueUser('fuzz');
const guestCredentials = uniqueUser('fuzzguest');

let server: LocalServer;
let token: string;
let organiserEmail: string;
let meetingId: string;
let relogin: () => Promise<void>;
const genuineCursors: string[] = [];

beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
  const request = httpClient(() => server.url);
  const me = await httpUser(request, organiserCredentials);
  const guest = await httpUser(request, guestCredentials);
  expect([me.user.email, guest.user.email]).toEqual([organiserCredentials.email, guestCredentials.email]);
  organiserEmail = me.user.email;
  token = me.auth.authorization;
  // A fuzzed logout revokes the token: log in again so later cases stay authenticated.
  relogin = async () => {
    const login = await request('POST', '/api/user/login/', {
      body: { username: organiserCredentials.username, password: organiserCredentials.password },
    });
    expect(login.status).toBe(200);
    token = `Token ${login.body.auth_token}`;
  };
  const booked = await request('POST', '/api/event/', {
    headers: me.auth,
    body: { title: 'Fuzzed', description: '', time_slot: `${day} 10:00:00`, participants: [guest.user.email] },
  });
  expect(booked.status).toBe(201);
  expect(booked.body.response).toMatchObject({
    time_slot: `${day} 10:00:00`,
    participants: [me.user.email, guest.user.email],
    status: 'active',
  });
  meetingId = booked.body.response.id;
  // Enough meetings for every listing to page, and genuine cursors from several of them:
  // the fuzz replays these under other filters and offsets.
  for (const hour of [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]) {
    const more = await request('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Page', time_slot: `${day} ${hour}:00:00`, participants: [] },
    });
    expect(more.status).toBe(201);
  }
  for (const filters of ['', `?from=${day}`, `?status=active`, `?from=${day}&to=${day}`, `?to=${day}`]) {
    const page = await request('GET', `/api/event/${filters}`, { headers: me.auth });
    expect(page.status).toBe(200);
    const next = new URL(page.body.next).searchParams.get('cursor')!;
    genuineCursors.push(next);
    const second = await request('GET', `/api/event/${filters ? `${filters}&` : '?'}cursor=${next}`, { headers: me.auth });
    expect(second.status).toBe(200);
    genuineCursors.push(new URL(second.body.previous).searchParams.get('cursor')!);
  }
});
afterAll(async () => {
  await server?.stop();
});

const fieldNames = [
  'title',
  'participants',
  'time_slot',
  'description',
  'participants',
  'status',
  'date',
  'blocked_slots',
  'username',
  'email',
  'password',
  'user',
];
const weirdStrings = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    ' ',
    `${day} 10:00:00`,
    `${day} 11:00:00`,
    guestCredentials.email,
    organiserCredentials.email,
    day,
    '%E0%A4%A',
    '%zz',
    '%',
    `${day}T10:00:00+05:30`,
    '2031-02-30',
    'active',
    'cancelled',
    '__proto__',
    '%00',
    '../../etc',
    '💥',
    'a'.repeat(300),
    'b'.repeat(3000),
    '01M85N7KZJZGGN9F1T0WGJ2FBH',
  ),
  fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
);
const value = fc.oneof(
  weirdStrings,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(weirdStrings, fc.integer({ min: -5, max: 30 }))),
  fc.jsonValue(),
);
const body = fc.oneof(
  fc
    .dictionary(fc.oneof(fc.constantFrom(...fieldNames, '__proto__', 'constructor', 'prototype'), fc.string()), value, { maxKeys: 8 })
    .map((object) => JSON.stringify(object)),
  fc.jsonValue().map((json) => JSON.stringify(json)),
  fc.string(),
  fc.constant(''),
);
const routeRequest = fc.constantFrom(...routes).chain((route) =>
  fc.record({
    method: fc.oneof(
      { arbitrary: fc.constantFrom(...route.methods), weight: 4 },
      { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), weight: 1 },
    ),
    path: fc
      .oneof({ arbitrary: fc.constant('__meeting__'), weight: 2 }, { arbitrary: weirdStrings, weight: 1 })
      .map((id) => (id === '__meeting__' || id.startsWith('%') ? id : encodeURIComponent(id) || 'x'))
      .map((id) => route.path.replace('{id}', id).replace('{feed}', `${id}.ics`)),
  }),
);
const strayRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
  path: fc.oneof(fc.webPath(), fc.constantFrom('/', '/api', '/api/event/a/b/c/', '/api/user/', '//api//event//')),
});
const target = fc.oneof({ arbitrary: routeRequest, weight: 5 }, { arbitrary: strayRequest, weight: 1 });
// Cursors: garbage, and well-encoded ones naming keys that are not this listing's.
const cursor = fc
  .tuple(
    fc.constantFrom('a', 'b', 'x'),
    fc.dictionary(fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'other'), weirdStrings, { maxKeys: 5 }),
  )
  .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
// Real cursors of this user's listings (collected in beforeAll), to replay under any filters.
const genuineCursor = fc.nat().map((index) => genuineCursors[index % Math.max(1, genuineCursors.length)] ?? 'none');
const numbers = fc.oneof(
  fc.nat().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.constantFrom('0', '-1', '1e5', '100000', '100001', '10000', '10001', '9007199254740993', '99999999999999999999'),
);
const dates = fc.oneof(
  fc.date({ min: new Date('1960-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
  fc.constantFrom(day, '9999-12-31', '0001-01-01'),
);
const query = fc.dictionary(
  fc.constantFrom('date', 'user', 'page', 'limit', 'offset', 'cursor', 'status', 'from', 'to', 'x'),
  fc.oneof(weirdStrings, cursor, genuineCursor, numbers, dates),
  { maxKeys: 4 },
);
const headers = fc.record(
  {
    authorization: fc.oneof(
      { arbitrary: fc.constant('__token__'), weight: 6 },
      { arbitrary: fc.constantFrom('Token', 'Token a b', 'Bearer x'), weight: 1 },
      { arbitrary: fc.string(), weight: 1 },
    ),
    'content-type': fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 6 },
      { arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', ''), weight: 1 },
    ),
    cookie: fc.oneof(fc.constant('sessionid=nope; csrftoken=x'), fc.string()),
    'x-csrftoken': fc.string(),
  },
  { requiredKeys: ['authorization'] },
);

// Words that would betray internals: stack frames, source files, the store's key formats.
const leaks = [
  // A stack frame: `at name (file:line:column)`.
  /\bat [^\s"]+ \([^)"]*:\d+:\d+\)/,
  /\.ts:\d+/,
  /node_modules/,
  /USER#|MEETING#|TOKEN#|SESSION#/,
  /Exception/,
  /DynamoDB/i,
  /TypeError|ReferenceError/,
];

describe('fuzzing every route of the local server', () => {
  it("never answers 5xx, never leaks internals, answers JSON (or no body, a calendar, the docs page or the web calendar) and errors in the contract's shape", async () => {
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(target, query, headers, body, async ({ method: verb, path: rawPath }, params, rawHeaders, payload) => {
        const path = rawPath.replace('__meeting__', meetingId);
        const search = new URLSearchParams(params).toString();
        const sent: Record<string, string> = {};
        for (const [name, value] of Object.entries(rawHeaders)) {
          const text = name === 'authorization' && value === '__token__' ? token : String(value);
          // Header values must be sendable at all: drop what fetch itself refuses.
          if (/^[\t\x20-\x7e]*$/.test(text)) sent[name] = text;
        }
        const url = `${server.url}${path.startsWith('/') ? path : `/${path}`}${search ? `?${search}` : ''}`;
        const response = await fetch(url, {
          method: verb,
          headers: sent,
          body: verb === 'GET' || verb === 'OPTIONS' ? undefined : payload,
        });
        const text = await response.text();
        statuses.push(response.status);
        if (response.status === 200 && text.includes('logged_out')) await relogin();
        expect(response.status).toBeLessThan(500);
        for (const leak of leaks) expect(text).not.toMatch(leak);
        // The answers that are not JSON are successes: nothing (204), or a calendar.
        if (response.status === 204) {
          expect(text).toBe('');
          return;
        }
        if (response.headers.get('content-type')?.startsWith('text/calendar')) {
          expect({ status: response.status, start: text.slice(0, 17) }).toEqual({ status: 200, start: 'BEGIN:VCALENDAR\r\n' });
          return;
        }
        // Every answer is JSON but the docs page, the web calendar and their files.
        if (response.status < 400 && !(response.headers.get('content-type') ?? '').startsWith('application/json')) return;
        const parsed = JSON.parse(text);
        if (response.status >= 400) {
          const shaped =
            // `{"detail"}`, with a `hint` for a likely slip.
            (typeof parsed.detail === 'string' &&
              Object.keys(parsed).every((key) => key === 'detail' || (key === 'hint' && typeof parsed.hint === 'string'))) ||
            (Array.isArray(parsed.err_message) && parsed.err_message.every((message: unknown) => typeof message === 'string'));
          expect({ status: response.status, shaped, parsed }).toMatchObject({ shaped: true });
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400), verbose: 1 },
    );
    // Whatever it managed to write, the table still holds together.
    expect(await integrityOf({ endpoint: server.dynamoDbEndpoint, accessKeyId: server.accessKeyId, table: 'calendar' })).toEqual([]);
    // The run was not spent at the door (FUZZ_RUNS of 50 or more makes both all but certain):
    // some requests were served, some refused by the handlers' own checks.
    expect(statuses.some((status) => status >= 200 && status < 300)).toBe(true);
    expect(statuses.some((status) => status === 400)).toBe(true);
    // Whatever was done to it, the meeting is still its organiser's.
    await relogin();
    const meeting = await fetch(`${server.url}/api/event/${meetingId}/`, { headers: { authorization: token } });
    expect(meeting.status).toBe(200);
    expect(await meeting.json()).toMatchObject({ id: meetingId, organiser: organiserEmail });
  });
});
