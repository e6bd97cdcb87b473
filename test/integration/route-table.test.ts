/**
 * Every route and method of the route table through the contract's authentication rules.
 * The routes come from `functions/routes.ts` itself: a new route is covered as soon as it
 * is added there, and fails here until it has a valid request fixture below.
 */
import { randomBytes } from 'node:crypto';
import { type Method, matchRoute, type Route, routes } from '../../functions/routes';
import { call, type CallOptions, cookieValue, freshDate, type LoggedIn, signedInUser, uniqueUser } from '../support/api';
import { useDeliveries } from '../support/webhooks';

// Pings and redeliveries go to a receiver that does not answer (port 9): they only fail.
const deliveries = useDeliveries({ timeoutMs: 200 });
afterAll(() => deliveries.queue.stop());

/**
 * The contract: "Every endpoint except sign up, login and health needs a user"; the API
 * description and its docs page are public too, a calendar feed's URL carries its own
 * secret and no other credential, and the web calendar's page and files are for anyone
 * (its calls to the API are what need a user).
 */
const publicRouteNames = new Set([
  'Health',
  'SignUp',
  'Login',
  'OpenApi',
  'ApiDocs',
  'ApiDocsAsset',
  'CalendarFeed',
  'WebApp',
  'WebAppAsset',
]);
const safeMethods = new Set<Method>(['GET']);

/** A request the route answers with `status` when the caller is allowed. */
interface ValidRequest {
  url: string;
  body?: unknown;
  status: number;
}

/**
 * Builds a valid request for `caller` (none for public routes), creating whatever it
 * needs: a meeting to change, a user to log in...
 */
type Fixture = (caller: LoggedIn | undefined) => Promise<ValidRequest>;

function signedIn(caller: LoggedIn | undefined): LoggedIn {
  if (!caller) throw new Error('the fixture of a protected route needs its caller');
  return caller;
}

const booking = (date = freshDate()) => ({ title: 'Route table', description: '', time_slot: `${date} 10:00:00`, participants: [] });

/** A meeting organised by `who`, booked by token. */
async function meetingOf(who: LoggedIn): Promise<string> {
  const response = await call('POST', '/api/event/', { headers: who.auth, body: booking() });
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response.id;
}

/** A meeting of another organiser, with `guest` as its guest. */
async function meetingWith(guest: LoggedIn): Promise<string> {
  const organiser = await signedInUser('rtorganiser');
  const response = await call('POST', '/api/event/', {
    headers: organiser.auth,
    body: { ...booking(), participants: [guest.user.email] },
  });
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response.id;
}

/** A webhook subscription of `who` to a receiver that is never called here. */
async function webhookOf(who: LoggedIn): Promise<string> {
  const response = await call('POST', '/api/webhooks/', { headers: who.auth, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
  if (response.status !== 201) throw new Error(`subscribing failed: ${response.text}`);
  return response.body.id;
}

/** A delivery of `who`'s webhook (a ping). */
async function deliveryOf(who: LoggedIn): Promise<{ webhook: string; delivery: string }> {
  const webhook = await webhookOf(who);
  const ping = await call('POST', `/api/webhooks/${webhook}/ping/`, { headers: who.auth });
  if (ping.status !== 202) throw new Error(`ping failed: ${ping.text}`);
  return { webhook, delivery: ping.body.delivery_id };
}

/** The path of a new calendar feed of a new user. */
async function feedPath(): Promise<string> {
  const owner = await signedInUser('rtfeed');
  const response = await call('POST', '/api/user/calendar_feed/', { headers: owner.auth });
  if (response.status !== 201) throw new Error(`feed creation failed: ${response.text}`);
  return new URL(response.body.url).pathname;
}

/** Keyed by `<method> <path>` exactly as the route table writes them. */
const fixtures: Record<string, Fixture> = {
  'GET /api/health/': async () => ({ url: '/api/health/', status: 200 }),
  'GET /api/openapi.json': async () => ({ url: '/api/openapi.json', status: 200 }),
  'GET /api/docs/': async () => ({ url: '/api/docs/', status: 200 }),
  'GET /api/docs/{asset}': async () => ({ url: '/api/docs/swagger-ui.css', status: 200 }),
  'POST /api/user/sign_up/': async () => ({ url: '/api/user/sign_up/', body: uniqueUser('rtsignup'), status: 201 }),
  'POST /api/user/login/': async () => {
    const candidate = uniqueUser('rtlogin');
    const signUp = await call('POST', '/api/user/sign_up/', { body: candidate });
    if (signUp.status !== 201) throw new Error(`sign up failed: ${signUp.text}`);
    return { url: '/api/user/login/', body: { username: candidate.username, password: candidate.password }, status: 200 };
  },
  'GET /': async () => ({ url: '/', status: 200 }),
  'GET /app/{asset}': async () => ({ url: '/app/app.css', status: 200 }),
  'GET /api/user/get_detail/': async () => ({ url: '/api/user/get_detail/', status: 200 }),
  'POST /api/user/logout/': async () => ({ url: '/api/user/logout/', status: 200 }),
  'POST /api/user/block_slots/': async () => ({
    url: '/api/user/block_slots/',
    body: { date: freshDate(), blocked_slots: [9, 17] },
    status: 200,
  }),
  'GET /api/user/get_available_slots/': async () => ({ url: `/api/user/get_available_slots/?date=${freshDate()}`, status: 200 }),
  'POST /api/user/unblock_slots/': async () => ({
    url: '/api/user/unblock_slots/',
    body: { date: freshDate(), unblocked_slots: [9] },
    status: 200,
  }),
  'PUT /api/user/blocked_slots/{date}/': async () => ({
    url: `/api/user/blocked_slots/${freshDate()}/`,
    body: { blocked_slots: [8] },
    status: 200,
  }),
  'GET /api/availability/common/': async () => {
    const date = freshDate();
    return {
      url: `/api/availability/common/?users=${encodeURIComponent((await signedInUser('rtcommon')).user.email)}&from=${date}&to=${date}`,
      status: 200,
    };
  },
  'POST /api/event/': async () => ({ url: '/api/event/', body: booking(), status: 201 }),
  'GET /api/event/': async () => ({ url: '/api/event/', status: 200 }),
  'GET /api/event/{id}/': async (caller) => ({ url: `/api/event/${await meetingOf(signedIn(caller))}/`, status: 200 }),
  'PUT /api/event/{id}/': async (caller) => ({
    url: `/api/event/${await meetingOf(signedIn(caller))}/`,
    body: {
      title: 'Moved',
      description: null,
      time_slot: `${freshDate()} 11:00:00`,
      participants: [signedIn(caller).user.email],
      status: 'active',
    },
    status: 200,
  }),
  'PATCH /api/event/{id}/': async (caller) => ({
    url: `/api/event/${await meetingOf(signedIn(caller))}/`,
    body: { title: 'Renamed' },
    status: 200,
  }),
  'POST /api/event/{id}/respond/': async (caller) => ({
    url: `/api/event/${await meetingWith(signedIn(caller))}/respond/`,
    body: { response: 'declined' },
    status: 200,
  }),
  'GET /api/event/{id}/ics/': async (caller) => ({ url: `/api/event/${await meetingOf(signedIn(caller))}/ics/`, status: 200 }),
  'POST /api/user/calendar_feed/': async () => ({ url: '/api/user/calendar_feed/', status: 201 }),
  'DELETE /api/user/calendar_feed/': async () => ({ url: '/api/user/calendar_feed/', status: 204 }),
  'GET /api/calendar/{feed}/': async () => ({ url: await feedPath(), status: 200 }),
  'POST /api/webhooks/': async () => ({ url: '/api/webhooks/', body: { url: 'http://127.0.0.1:9/hook', events: ['*'] }, status: 201 }),
  'GET /api/webhooks/': async () => ({ url: '/api/webhooks/', status: 200 }),
  'GET /api/webhooks/{id}/': async (caller) => ({ url: `/api/webhooks/${await webhookOf(signedIn(caller))}/`, status: 200 }),
  'PATCH /api/webhooks/{id}/': async (caller) => ({
    url: `/api/webhooks/${await webhookOf(signedIn(caller))}/`,
    body: { description: 'changed' },
    status: 200,
  }),
  'DELETE /api/webhooks/{id}/': async (caller) => ({ url: `/api/webhooks/${await webhookOf(signedIn(caller))}/`, status: 204 }),
  'POST /api/webhooks/{id}/rotate_secret/': async (caller) => ({
    url: `/api/webhooks/${await webhookOf(signedIn(caller))}/rotate_secret/`,
    status: 200,
  }),
  'POST /api/webhooks/{id}/ping/': async (caller) => ({ url: `/api/webhooks/${await webhookOf(signedIn(caller))}/ping/`, status: 202 }),
  'GET /api/webhooks/{id}/deliveries/': async (caller) => ({
    url: `/api/webhooks/${await webhookOf(signedIn(caller))}/deliveries/`,
    status: 200,
  }),
  'POST /api/webhooks/{id}/deliveries/{delivery_id}/redeliver/': async (caller) => {
    const { webhook, delivery } = await deliveryOf(signedIn(caller));
    return { url: `/api/webhooks/${webhook}/deliveries/${delivery}/redeliver/`, status: 202 };
  },
};

interface Endpoint {
  name: string;
  route: Route;
  method: Method;
}

const endpoints: Endpoint[] = routes.flatMap((route) =>
  route.methods.map((method) => ({ name: `${method} ${route.path}`, route, method })),
);
const isPublic = (endpoint: Endpoint) => publicRouteNames.has(endpoint.route.name);
const protectedEndpoints = endpoints.filter((endpoint) => !isPublic(endpoint));

/** The endpoint's valid request for `caller`; throws when the endpoint has no fixture or it aims at another route. */
async function validRequest(endpoint: Endpoint, caller: LoggedIn | undefined): Promise<ValidRequest> {
  const fixture = fixtures[endpoint.name];
  if (!fixture) throw new Error(`no request fixture for ${endpoint.name}: add one to route-table.test.ts`);
  const request = await fixture(caller);
  const match = matchRoute(endpoint.method, request.url.split('?')[0] ?? '');
  if (match.kind !== 'route' || match.route.name !== endpoint.route.name) {
    throw new Error(`the fixture of ${endpoint.name} calls ${request.url}, another route`);
  }
  return request;
}

const send = (endpoint: Endpoint, request: ValidRequest, options: Omit<CallOptions, 'body'> = {}) =>
  call(endpoint.method, request.url, { ...options, ...(request.body !== undefined ? { body: request.body } : {}) });

/** The session cookie alone, as a browser sends it. */
const bySession = (who: LoggedIn, csrfToken?: string): Omit<CallOptions, 'body'> => ({
  cookies: { sessionid: who.sessionId, csrftoken: who.csrfToken },
  headers: csrfToken === undefined ? {} : { 'x-csrftoken': csrfToken },
});

/** Another login of the same user: a second live session with a CSRF token of its own. */
async function secondCsrfToken(who: LoggedIn): Promise<string> {
  const login = await call('POST', '/api/user/login/', { body: { username: who.user.username, password: who.password } });
  const token = cookieValue(login.setCookies, 'csrftoken');
  if (login.status !== 200 || !token) throw new Error(`second login failed: ${login.text}`);
  return token;
}

const notProvided = { detail: 'Authentication credentials were not provided.' };

/** What the tests of one protected endpoint use. */
interface Setup {
  /** A valid request for `owner`. Refused requests change nothing, so the tests share it. */
  request: ValidRequest;
  owner: LoggedIn;
  /** The CSRF token of another live session of `owner`. */
  otherSessionsToken: string;
  /** A valid request of its own for `tokenCaller`, who uses it up. */
  tokenRequest: ValidRequest;
  tokenCaller: LoggedIn;
}

async function setUp(endpoint: Endpoint): Promise<Setup> {
  const [owner, tokenCaller] = await Promise.all([signedInUser('rtowner'), signedInUser('rttoken')]);
  const [request, tokenRequest, otherSessionsToken] = await Promise.all([
    validRequest(endpoint, owner),
    validRequest(endpoint, tokenCaller),
    secondCsrfToken(owner),
  ]);
  return { request, owner, otherSessionsToken, tokenRequest, tokenCaller };
}

// Every endpoint's users, meetings and requests are made side by side, once; an endpoint
// whose fixture fails fails its own tests only. The timeout allows for a busy machine.
const publicRequests = new Map<string, Promise<ValidRequest>>();
const setups = new Map<string, Promise<Setup>>();
beforeAll(async () => {
  for (const endpoint of endpoints) {
    if (isPublic(endpoint)) publicRequests.set(endpoint.name, validRequest(endpoint, undefined));
    else setups.set(endpoint.name, setUp(endpoint));
  }
  await Promise.allSettled([...publicRequests.values(), ...setups.values()]);
}, 30_000);

async function setupOf(endpoint: Endpoint): Promise<Setup> {
  const setup = setups.get(endpoint.name);
  if (!setup) throw new Error(`${endpoint.name} was not set up`);
  return setup;
}

describe('the route table', () => {
  it('has a valid request fixture for every route and method', () => {
    expect(endpoints.map((endpoint) => endpoint.name).filter((name) => !(name in fixtures))).toEqual([]);
  });

  it('still holds every public route the contract names', () => {
    expect(new Set(endpoints.filter(isPublic).map((endpoint) => endpoint.route.name))).toEqual(publicRouteNames);
  });
});

describe.each(endpoints.filter(isPublic))('public route $name', (endpoint) => {
  it('serves a valid request without credentials', async () => {
    const request = await publicRequests.get(endpoint.name);
    if (!request) throw new Error(`${endpoint.name} was not set up`);
    expect((await send(endpoint, request)).status).toBe(request.status);
  });
});

// The tests of one route run in order: refusals first, then the request that must still succeed.
describe.each(protectedEndpoints)('protected route $name', (endpoint) => {
  it('refuses a request without credentials: 401 "Authentication credentials were not provided." with WWW-Authenticate: Token', async () => {
    const { request } = await setupOf(endpoint);
    const response = await send(endpoint, request);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(notProvided);
    expect(response.headers['www-authenticate']).toBe('Token');
  });

  it('refuses a token that names no one: 401 "Invalid token." with WWW-Authenticate: Token', async () => {
    const { request } = await setupOf(endpoint);
    const response = await send(endpoint, request, { headers: { authorization: `Token ${randomBytes(32).toString('hex')}` } });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Invalid token.' });
    expect(response.headers['www-authenticate']).toBe('Token');
  });

  it('refuses a session cookie that names no session: 401 "Authentication credentials were not provided."', async () => {
    const { request } = await setupOf(endpoint);
    const response = await send(endpoint, request, { cookies: { sessionid: randomBytes(32).toString('hex') } });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(notProvided);
    expect(response.headers['www-authenticate']).toBe('Token');
  });

  it('serves a request by token, with no X-CSRFToken even beside a session cookie', async () => {
    const { tokenCaller, tokenRequest } = await setupOf(endpoint);
    const response = await send(endpoint, tokenRequest, { headers: tokenCaller.auth, cookies: { sessionid: tokenCaller.sessionId } });
    expect(response.status).toBe(tokenRequest.status);
  });

  if (safeMethods.has(endpoint.method)) {
    it('serves a request by session cookie without X-CSRFToken', async () => {
      const { owner, request } = await setupOf(endpoint);
      expect((await send(endpoint, request, bySession(owner))).status).toBe(request.status);
    });
    return;
  }

  it('refuses a request by session cookie without X-CSRFToken: 403 "CSRF Failed: CSRF token missing."', async () => {
    const { owner, request } = await setupOf(endpoint);
    const response = await send(endpoint, request, bySession(owner));
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: 'CSRF Failed: CSRF token missing.' });
  });

  it('refuses a request by session cookie with the CSRF token of another session: 403 "CSRF Failed: CSRF token incorrect."', async () => {
    const { owner, request, otherSessionsToken } = await setupOf(endpoint);
    const response = await send(endpoint, request, bySession(owner, otherSessionsToken));
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: 'CSRF Failed: CSRF token incorrect.' });
  });

  it('refuses a request by session cookie with a made-up X-CSRFToken: 403 "CSRF Failed: CSRF token incorrect."', async () => {
    const { owner, request } = await setupOf(endpoint);
    const response = await send(endpoint, request, bySession(owner, 'not-the-token'));
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: 'CSRF Failed: CSRF token incorrect.' });
  });

  it('serves the same request by session cookie with the matching X-CSRFToken', async () => {
    const { owner, request } = await setupOf(endpoint);
    expect((await send(endpoint, request, bySession(owner, owner.csrfToken))).status).toBe(request.status);
  });
});
