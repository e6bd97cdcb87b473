/**
 * Every error message the contract names (docs/API.md, /work/shared/API.md), each
 * provoked by a real request and compared whole: status and the entire body, plus the
 * headers the contract requires. Clients match on these words, so a changed tail is as
 * much a break as a changed head. Each case is named after its message.
 */
import { ulid } from 'ulid';
import type { Meeting } from '../../functions/domain/meetings';
import { services } from '../../functions/services';
import { AwsServiceError } from '../../functions/store/aws-json';
import { interceptStore } from '../support/store-faults';
import { type ApiResponse, call, freshDate, futureDate, type LoggedIn, signedInUser, uniqueUser } from '../support/api';

// A zone with daylight saving time, so that a skipped wall-clock hour exists. The handlers
// read TIME_ZONE when first loaded; each test file has its own modules.
const ZONE = 'America/New_York';
const previousZone = process.env.TIME_ZONE;
afterAll(() => {
  if (previousZone === undefined) delete process.env.TIME_ZONE;
  else process.env.TIME_ZONE = previousZone;
});

/** What a request answered, and what the contract says it must answer. */
interface Outcome {
  response: ApiResponse;
  status: number;
  body: unknown;
  headers?: Record<string, unknown>;
}
type Case = [message: string, provoke: () => Promise<Outcome>];

const fieldError = (field: string, message: string) => ({ [field]: [message], err_message: [`${field}: ${message}`] });
/** A choice field's error, with the values it takes beside the contract's message. */
const choiceError = (field: string, message: string, choices: string[]) => ({
  ...fieldError(field, message),
  choices: { [field]: choices },
});
const ruleError = (message: string) => ({ err_message: [message] });
const detail = (message: string) => ({ detail: message });
const wwwAuthenticate = { 'www-authenticate': 'Token' };
const at = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;

/** Runs `make` once, on first use, and shares its answer. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** A user for requests that are refused and so change nothing. */
const someone = once(() => signedInUser('msg'));
/** 50 signed-up users (not logged in), for the participant limits. */
const crowd = once(() =>
  Promise.all(
    Array.from({ length: 50 }, async () => {
      const candidate = uniqueUser('msgcrowd');
      const response = await call('POST', '/api/user/sign_up/', { body: candidate });
      if (response.status !== 201) throw new Error(`sign up failed: ${response.text}`);
      return candidate.email;
    }),
  ),
);

const signUp = (body: unknown) => call('POST', '/api/user/sign_up/', { body });
const bookingBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Messages',
  description: '',
  time_slot: at(freshDate(), 10),
  participants: [],
  ...overrides,
});
const book = (who: LoggedIn, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call('POST', '/api/event/', { headers: { ...who.auth, ...headers }, body: bookingBody(overrides) });
const blockSlots = (who: LoggedIn, body: unknown) => call('POST', '/api/user/block_slots/', { headers: who.auth, body });
const patch = (who: LoggedIn, id: string, body: unknown) => call('PATCH', `/api/event/${id}/`, { headers: who.auth, body });
const respond = (who: LoggedIn, id: string, body: unknown) => call('POST', `/api/event/${id}/respond/`, { headers: who.auth, body });

async function meetingOf(who: LoggedIn, overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await book(who, overrides);
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response.id;
}

/** A meeting whose hour has begun, stored directly: the API refuses to book one. */
async function begunMeeting(organiser: LoggedIn, date: string, hour: number): Promise<Meeting> {
  const stamp = new Date().toISOString();
  const meeting: Meeting = {
    id: ulid(),
    title: 'Begun',
    description: null,
    slot: { date, hour },
    status: 'active',
    organiser: organiser.user,
    participants: [organiser.user],
    version: 1,
    created: stamp,
    modified: stamp,
  };
  await services().meetings.create(meeting);
  return meeting;
}

/** 02:00 on the second Sunday of March next year: New York's clocks skip that hour. */
function skippedHour(): string {
  const year = new Date().getUTCFullYear() + 1;
  const firstSunday = 1 + ((7 - new Date(Date.UTC(year, 2, 1)).getUTCDay()) % 7);
  return `${year}-03-${String(firstSunday + 7).padStart(2, '0')} 02:00:00`;
}

/** What this runtime's JSON.parse says about `text`, which the API quotes. */
function parseFailure(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

/** Requests that change nothing the others see: they run side by side. */
const cases: Case[] = [
  // Authentication
  [
    'Authentication credentials were not provided.',
    async () => ({
      response: await call('GET', '/api/user/get_detail/'),
      status: 401,
      body: detail('Authentication credentials were not provided.'),
      headers: wwwAuthenticate,
    }),
  ],
  [
    'Authentication credentials were not provided. (a session cookie after logout)',
    async () => {
      const me = await signedInUser('msglogout');
      await call('POST', '/api/user/logout/', { headers: me.auth });
      return {
        response: await call('GET', '/api/user/get_detail/', { cookies: { sessionid: me.sessionId } }),
        status: 401,
        body: detail('Authentication credentials were not provided.'),
        headers: wwwAuthenticate,
      };
    },
  ],
  [
    'Invalid token.',
    async () => ({
      response: await call('GET', '/api/user/get_detail/', { headers: { authorization: `Token ${'0'.repeat(64)}` } }),
      status: 401,
      body: detail('Invalid token.'),
      headers: wwwAuthenticate,
    }),
  ],
  [
    'Invalid token. (a token after logout)',
    async () => {
      const me = await signedInUser('msgrevoked');
      await call('POST', '/api/user/logout/', { headers: me.auth });
      return {
        response: await call('GET', '/api/user/get_detail/', { headers: me.auth }),
        status: 401,
        body: detail('Invalid token.'),
        headers: wwwAuthenticate,
      };
    },
  ],
  [
    'Invalid token header. No credentials provided.',
    async () => ({
      response: await call('GET', '/api/user/get_detail/', { headers: { authorization: 'Token' } }),
      status: 401,
      body: detail('Invalid token header. No credentials provided.'),
      headers: wwwAuthenticate,
    }),
  ],
  [
    'Invalid token header. Token string should not contain spaces.',
    async () => ({
      response: await call('GET', '/api/user/get_detail/', { headers: { authorization: 'Token abc def' } }),
      status: 401,
      body: detail('Invalid token header. Token string should not contain spaces.'),
      headers: wwwAuthenticate,
    }),
  ],
  [
    'Credentials were not correct (a wrong password)',
    async () => {
      const me = await someone();
      return {
        response: await call('POST', '/api/user/login/', { body: { username: me.user.username, password: 'not-the-password' } }),
        status: 401,
        body: ruleError('Credentials were not correct'),
      };
    },
  ],
  [
    'Credentials were not correct (an unknown username)',
    async () => ({
      response: await call('POST', '/api/user/login/', { body: { username: uniqueUser('msgnobody').username, password: 'whatever-123' } }),
      status: 401,
      body: ruleError('Credentials were not correct'),
    }),
  ],
  [
    'CSRF Failed: CSRF token missing.',
    async () => {
      const me = await someone();
      return {
        response: await call('POST', '/api/user/block_slots/', {
          cookies: { sessionid: me.sessionId },
          body: { date: freshDate(), blocked_slots: [9] },
        }),
        status: 403,
        body: detail('CSRF Failed: CSRF token missing.'),
      };
    },
  ],
  [
    'CSRF Failed: CSRF token incorrect.',
    async () => {
      const me = await someone();
      return {
        response: await call('POST', '/api/user/block_slots/', {
          cookies: { sessionid: me.sessionId },
          headers: { 'x-csrftoken': `${me.csrfToken}0` },
          body: { date: freshDate(), blocked_slots: [9] },
        }),
        status: 403,
        body: detail('CSRF Failed: CSRF token incorrect.'),
      };
    },
  ],
  [
    'Request was throttled. Expected available in N seconds.',
    async () => {
      // The default budget: 10 failed logins per username in 15 minutes.
      const username = uniqueUser('msgthrottled').username;
      const attempt = () => call('POST', '/api/user/login/', { body: { username, password: 'wrong-password-1' } });
      await Promise.all(Array.from({ length: 10 }, attempt));
      const response = await attempt();
      const seconds = String(response.headers['retry-after']);
      expect(seconds).toMatch(/^[1-9]\d*$/);
      expect(Number(seconds)).toBeLessThanOrEqual(900);
      return {
        response,
        status: 429,
        body: detail(`Request was throttled. Expected available in ${seconds} seconds.`),
        headers: { 'retry-after': seconds },
      };
    },
  ],

  // The HTTP exchange
  [
    'Not found. (an unknown route)',
    async () => ({ response: await call('GET', '/api/no/such/route/'), status: 404, body: detail('Not found.') }),
  ],
  [
    'Method "PUT" not allowed.',
    async () => ({
      response: await call('PUT', '/api/user/login/', { body: {} }),
      status: 405,
      body: detail('Method "PUT" not allowed.'),
      headers: { allow: 'POST' },
    }),
  ],
  [
    "JSON parse error - <the parser's message>",
    async () => ({
      response: await call('POST', '/api/user/sign_up/', { rawBody: '{"username":', headers: { 'content-type': 'application/json' } }),
      status: 400,
      body: detail(`JSON parse error - ${parseFailure('{"username":')}`),
    }),
  ],
  [
    'Invalid data. Expected a JSON object.',
    async () => ({
      response: await call('POST', '/api/user/sign_up/', { rawBody: '[1, 2]', headers: { 'content-type': 'application/json' } }),
      status: 400,
      body: detail('Invalid data. Expected a JSON object.'),
    }),
  ],
  [
    'Request body is too large; the limit is 65536 bytes.',
    async () => ({
      response: await signUp({ ...uniqueUser('msgbig'), padding: 'y'.repeat(65_536) }),
      status: 413,
      body: detail('Request body is too large; the limit is 65536 bytes.'),
    }),
  ],
  [
    'Unsupported media type "text/plain" in request.',
    async () => ({
      response: await call('POST', '/api/user/login/', { rawBody: 'username=a', headers: { 'content-type': 'text/plain' } }),
      status: 415,
      body: detail('Unsupported media type "text/plain" in request.'),
    }),
  ],
  [
    'JSON nests deeper than 32 levels.',
    async () => ({
      response: await signUp({ ...uniqueUser('msgdeep'), deep: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) }),
      status: 400,
      body: detail('JSON nests deeper than 32 levels.'),
    }),
  ],

  // Field messages (Django REST Framework's)
  [
    'This field is required. (every field of sign up)',
    async () => ({
      response: await signUp({}),
      status: 400,
      body: {
        username: ['This field is required.'],
        email: ['This field is required.'],
        password: ['This field is required.'],
        err_message: ['username: This field is required.', 'email: This field is required.', 'password: This field is required.'],
      },
    }),
  ],
  [
    'This field may not be null.',
    async () => ({
      response: await signUp({ ...uniqueUser('msgnull'), email: null }),
      status: 400,
      body: fieldError('email', 'This field may not be null.'),
    }),
  ],
  [
    'This field may not be blank.',
    async () => ({
      response: await signUp({ ...uniqueUser('msgblank'), email: '' }),
      status: 400,
      body: fieldError('email', 'This field may not be blank.'),
    }),
  ],
  [
    'This field may not be blank. (a title of spaces)',
    async () => ({
      response: await book(await someone(), { title: '   ' }),
      status: 400,
      body: fieldError('title', 'This field may not be blank.'),
    }),
  ],
  [
    'Not a valid string.',
    async () => ({
      response: await signUp({ ...uniqueUser('msgtype'), username: 42 }),
      status: 400,
      body: fieldError('username', 'Not a valid string.'),
    }),
  ],
  [
    'Ensure this field has no more than 150 characters.',
    async () => ({
      response: await signUp({ ...uniqueUser('msglong'), username: 'u'.repeat(151) }),
      status: 400,
      body: fieldError('username', 'Ensure this field has no more than 150 characters.'),
    }),
  ],
  [
    'Ensure this field has no more than 60 characters.',
    async () => ({
      response: await book(await someone(), { title: 't'.repeat(61) }),
      status: 400,
      body: fieldError('title', 'Ensure this field has no more than 60 characters.'),
    }),
  ],
  [
    'Ensure this field has no more than 500 characters.',
    async () => ({
      response: await book(await someone(), { description: 'd'.repeat(501) }),
      status: 400,
      body: fieldError('description', 'Ensure this field has no more than 500 characters.'),
    }),
  ],
  [
    'Enter a valid email address.',
    async () => ({
      response: await signUp({ ...uniqueUser('msgmail'), email: 'not-an-email' }),
      status: 400,
      body: fieldError('email', 'Enter a valid email address.'),
    }),
  ],

  // Sign up
  [
    'A user with that username already exists.',
    async () => {
      const first = uniqueUser('msgdupname');
      await signUp(first);
      return {
        response: await signUp({ ...uniqueUser('msgother'), username: first.username.toUpperCase() }),
        status: 400,
        body: fieldError('username', 'A user with that username already exists.'),
      };
    },
  ],
  [
    'user with this email already exists.',
    async () => {
      const first = uniqueUser('msgdupmail');
      await signUp(first);
      return {
        response: await signUp({ ...uniqueUser('msgother'), email: first.email.toUpperCase() }),
        status: 400,
        body: fieldError('email', 'user with this email already exists.'),
      };
    },
  ],
  [
    'This password is too short. It must contain at least 8 characters.',
    async () => ({
      response: await signUp({ ...uniqueUser('msgshort'), password: 'abc1234' }),
      status: 400,
      body: fieldError('password', 'This password is too short. It must contain at least 8 characters.'),
    }),
  ],
  [
    'This password is too long. It must contain at most 72 bytes.',
    async () => ({
      response: await signUp({ ...uniqueUser('msglongpw'), password: 'p'.repeat(73) }),
      status: 400,
      body: fieldError('password', 'This password is too long. It must contain at most 72 bytes.'),
    }),
  ],
  [
    'This password is entirely numeric.',
    async () => ({
      response: await signUp({ ...uniqueUser('msgnumeric'), password: '4815162342' }),
      status: 400,
      body: fieldError('password', 'This password is entirely numeric.'),
    }),
  ],
  [
    'The password is too similar to the username.',
    async () => {
      const candidate = uniqueUser('msgsimilar');
      return {
        response: await signUp({ ...candidate, password: candidate.username }),
        status: 400,
        body: fieldError('password', 'The password is too similar to the username.'),
      };
    },
  ],
  [
    'The password is too similar to the email address.',
    async () => {
      const candidate = uniqueUser('msgsimilarmail');
      return {
        response: await signUp({ ...candidate, password: candidate.email }),
        status: 400,
        body: fieldError('password', 'The password is too similar to the email address.'),
      };
    },
  ],

  // Availability
  [
    'Date has wrong format. Use one of these formats instead: YYYY-MM-DD. (block_slots)',
    async () => ({
      response: await blockSlots(await someone(), { date: '2031-02-30', blocked_slots: [9] }),
      status: 400,
      body: fieldError('date', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'),
    }),
  ],
  [
    'Date has wrong format. Use one of these formats instead: YYYY-MM-DD. (get_available_slots)',
    async () => ({
      response: await call('GET', '/api/user/get_available_slots/?date=tomorrow', { headers: (await someone()).auth }),
      status: 400,
      body: fieldError('date', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'),
    }),
  ],
  [
    'This field is required. (get_available_slots without a date)',
    async () => ({
      response: await call('GET', '/api/user/get_available_slots/', { headers: (await someone()).auth }),
      status: 400,
      body: fieldError('date', 'This field is required.'),
    }),
  ],
  [
    "Slots can't be defined for past date",
    async () => ({
      response: await blockSlots(await someone(), { date: futureDate(-2), blocked_slots: [9] }),
      status: 400,
      body: ruleError("Slots can't be defined for past date"),
    }),
  ],
  [
    'This list may not be empty.',
    async () => ({
      response: await blockSlots(await someone(), { date: freshDate(), blocked_slots: [] }),
      status: 400,
      body: fieldError('blocked_slots', 'This list may not be empty.'),
    }),
  ],
  [
    'Expected a list of items.',
    async () => ({
      response: await blockSlots(await someone(), { date: freshDate(), blocked_slots: 9 }),
      status: 400,
      body: fieldError('blocked_slots', 'Expected a list of items.'),
    }),
  ],
  [
    'A valid integer is required.',
    async () => ({
      response: await blockSlots(await someone(), { date: freshDate(), blocked_slots: ['nine'] }),
      status: 400,
      body: fieldError('blocked_slots', 'A valid integer is required.'),
    }),
  ],
  [
    'Ensure this value is greater than or equal to 0.',
    async () => ({
      response: await blockSlots(await someone(), { date: freshDate(), blocked_slots: [-1] }),
      status: 400,
      body: fieldError('blocked_slots', 'Ensure this value is greater than or equal to 0.'),
    }),
  ],
  [
    'Ensure this value is less than or equal to 23.',
    async () => ({
      response: await blockSlots(await someone(), { date: freshDate(), blocked_slots: [24] }),
      status: 400,
      body: fieldError('blocked_slots', 'Ensure this value is less than or equal to 23.'),
    }),
  ],
  [
    'There is already an event booked at time slot : <hour>',
    async () => {
      const me = await signedInUser('msgbooked');
      const date = freshDate();
      await meetingOf(me, { time_slot: at(date, 10) });
      return {
        response: await blockSlots(me, { date, blocked_slots: [9, 10] }),
        status: 400,
        body: ruleError('There is already an event booked at time slot : 10'),
      };
    },
  ],
  [
    'Invalid email "<email>" - object does not exist. (the user of get_available_slots)',
    async () => ({
      response: await call('GET', `/api/user/get_available_slots/?date=${freshDate()}&user=nobody@nowhere.example`, {
        headers: (await someone()).auth,
      }),
      status: 400,
      body: fieldError('user', 'Invalid email "nobody@nowhere.example" - object does not exist.'),
    }),
  ],

  // Booking
  [
    'Invalid email "<email>" - object does not exist. (a participant)',
    async () => ({
      response: await book(await someone(), { participants: ['Nobody@Nowhere.example'] }),
      status: 400,
      body: fieldError('participants', 'Invalid email "Nobody@Nowhere.example" - object does not exist.'),
    }),
  ],
  [
    'Ensure this field has no more than 50 elements. (51 people)',
    async () => ({
      response: await book(await someone(), { participants: await crowd() }),
      status: 400,
      body: fieldError('participants', 'Ensure this field has no more than 50 elements.'),
    }),
  ],
  [
    'Ensure this field has no more than 50 elements. (a list too long to read)',
    async () => ({
      response: await book(await someone(), { participants: Array.from({ length: 101 }, (_, i) => `guest${i}@nowhere.example`) }),
      status: 400,
      body: fieldError('participants', 'Ensure this field has no more than 50 elements.'),
    }),
  ],
  [
    'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DD hh:mm:ss, YYYY-MM-DDThh:mm:ss[+HH:MM|-HH:MM|Z].',
    async () => ({
      response: await book(await someone(), { time_slot: 'next tuesday at ten' }),
      status: 400,
      body: fieldError(
        'time_slot',
        'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DD hh:mm:ss, YYYY-MM-DDThh:mm:ss[+HH:MM|-HH:MM|Z].',
      ),
    }),
  ],
  [
    'Invalid datetime for the timezone "<zone>".',
    async () => ({
      response: await book(await someone(), { time_slot: skippedHour() }),
      status: 400,
      body: fieldError('time_slot', `Invalid datetime for the timezone "${ZONE}".`),
    }),
  ],
  [
    'Only hourly time slots are allowed. e.g DD:MM:YYYY hh:00:00',
    async () => ({
      response: await book(await someone(), { time_slot: `${freshDate()} 10:30:00` }),
      status: 400,
      body: ruleError('Only hourly time slots are allowed. e.g DD:MM:YYYY hh:00:00'),
    }),
  ],
  [
    'Only hourly time slots are allowed. e.g DD:MM:YYYY hh:00:00 (moving a meeting)',
    async () => {
      const me = await signedInUser('msghourly');
      const id = await meetingOf(me);
      return {
        response: await patch(me, id, { time_slot: `${freshDate()}T10:00:30Z` }),
        status: 400,
        body: ruleError('Only hourly time slots are allowed. e.g DD:MM:YYYY hh:00:00'),
      };
    },
  ],
  [
    'Event can not be booked for past datetime : <time_slot>',
    async () => {
      const past = futureDate(-2);
      return {
        response: await book(await someone(), { time_slot: at(past, 10) }),
        status: 400,
        body: ruleError(`Event can not be booked for past datetime : ${at(past, 10)}`),
      };
    },
  ],
  [
    'Event can not be booked for past datetime : <time_slot> (moving a meeting that has begun)',
    async () => {
      const me = await signedInUser('msgbegun');
      const past = futureDate(-2);
      const meeting = await begunMeeting(me, past, 8);
      return {
        response: await patch(me, meeting.id, { time_slot: at(freshDate(), 8) }),
        status: 400,
        body: ruleError(`Event can not be booked for past datetime : ${at(past, 8)}`),
      };
    },
  ],
  [
    'Time slot is not available for user : <email>',
    async () => {
      const [organiser, guest] = await Promise.all([signedInUser('msgorg'), signedInUser('msgblocked')]);
      const date = freshDate();
      await blockSlots(guest, { date, blocked_slots: [10] });
      return {
        response: await book(organiser, { time_slot: at(date, 10), participants: [guest.user.email] }),
        status: 400,
        body: ruleError(`Time slot is not available for user : ${guest.user.email}`),
      };
    },
  ],
  [
    'Time slot is conflicting with another event for user : <email>',
    async () => {
      const [organiser, guest] = await Promise.all([signedInUser('msgorg'), signedInUser('msgbusy')]);
      const date = freshDate();
      await meetingOf(guest, { time_slot: at(date, 10) });
      return {
        response: await book(organiser, { time_slot: at(date, 10), participants: [guest.user.email] }),
        status: 400,
        body: ruleError(`Time slot is conflicting with another event for user : ${guest.user.email}`),
      };
    },
  ],
  [
    'This Idempotency-Key was used with another request body.',
    async () => {
      const me = await signedInUser('msgidem');
      const key = `msg-${ulid()}`;
      const date = freshDate();
      await book(me, { time_slot: at(date, 10) }, { 'idempotency-key': key });
      return {
        response: await book(me, { time_slot: at(date, 11) }, { 'idempotency-key': key }),
        status: 422,
        body: detail('This Idempotency-Key was used with another request body.'),
      };
    },
  ],

  // Listing
  [
    'Invalid cursor',
    async () => ({
      response: await call('GET', '/api/event/?cursor=not-a-cursor', { headers: (await someone()).auth }),
      status: 404,
      body: detail('Invalid cursor'),
    }),
  ],
  [
    'Invalid page.',
    async () => ({
      response: await call('GET', '/api/event/?page=0', { headers: (await someone()).auth }),
      status: 404,
      body: detail('Invalid page.'),
    }),
  ],
  [
    '"<value>" is not a valid choice. (the status filter)',
    async () => ({
      response: await call('GET', '/api/event/?status=postponed', { headers: (await someone()).auth }),
      status: 400,
      body: choiceError('status', '"postponed" is not a valid choice.', ['active', 'cancelled']),
    }),
  ],

  // One meeting
  [
    'Not found. (an unknown meeting)',
    async () => ({
      response: await call('GET', `/api/event/${ulid()}/`, { headers: (await someone()).auth }),
      status: 404,
      body: detail('Not found.'),
    }),
  ],
  [
    'Not found. (a meeting the caller takes no part in)',
    async () => {
      const [organiser, stranger] = await Promise.all([signedInUser('msgorg'), signedInUser('msgstranger')]);
      const id = await meetingOf(organiser);
      return { response: await patch(stranger, id, { title: 'Mine now' }), status: 404, body: detail('Not found.') };
    },
  ],
  [
    'You do not have permission to perform this action.',
    async () => {
      const [organiser, guest] = await Promise.all([signedInUser('msgorg'), signedInUser('msgguest')]);
      const id = await meetingOf(organiser, { participants: [guest.user.email] });
      return {
        response: await patch(guest, id, { title: 'Mine now' }),
        status: 403,
        body: detail('You do not have permission to perform this action.'),
      };
    },
  ],
  [
    'Event organiser can not be removed',
    async () => {
      const [organiser, guest] = await Promise.all([signedInUser('msgorg'), signedInUser('msgguest')]);
      const id = await meetingOf(organiser, { participants: [guest.user.email] });
      return {
        response: await patch(organiser, id, { participants: [guest.user.email] }),
        status: 400,
        body: ruleError('Event organiser can not be removed'),
      };
    },
  ],
  [
    '"<value>" is not a valid choice. (a meeting\'s status)',
    async () => {
      const me = await signedInUser('msgstatus');
      const id = await meetingOf(me);
      return {
        response: await patch(me, id, { status: 'postponed' }),
        status: 400,
        body: choiceError('status', '"postponed" is not a valid choice.', ['active', 'cancelled']),
      };
    },
  ],
  [
    'This field is required. (every field of PUT)',
    async () => {
      const me = await signedInUser('msgput');
      const id = await meetingOf(me);
      return {
        response: await call('PUT', `/api/event/${id}/`, { headers: me.auth, body: {} }),
        status: 400,
        body: {
          title: ['This field is required.'],
          description: ['This field is required.'],
          time_slot: ['This field is required.'],
          participants: ['This field is required.'],
          status: ['This field is required.'],
          err_message: [
            'title: This field is required.',
            'description: This field is required.',
            'time_slot: This field is required.',
            'participants: This field is required.',
            'status: This field is required.',
          ],
          choices: { status: ['active', 'cancelled'] },
        },
      };
    },
  ],
  // A guest's answer
  [
    'Event organiser can not decline, cancel the event instead',
    async () => {
      const [organiser, guest] = await Promise.all([signedInUser('msgdeclorg'), signedInUser('msgdeclguest')]);
      const id = await meetingOf(organiser, { participants: [guest.user.email] });
      return {
        response: await respond(organiser, id, { response: 'declined' }),
        status: 400,
        body: ruleError('Event organiser can not decline, cancel the event instead'),
      };
    },
  ],
  [
    'Event is cancelled',
    async () => {
      const [organiser, guest] = await Promise.all([signedInUser('msgcancorg'), signedInUser('msgcancguest')]);
      const id = await meetingOf(organiser, { participants: [guest.user.email] });
      if ((await patch(organiser, id, { status: 'cancelled' })).status !== 200) throw new Error('cancelling failed');
      return { response: await respond(guest, id, { response: 'accepted' }), status: 400, body: ruleError('Event is cancelled') };
    },
  ],
  [
    '"<value>" is not a valid choice. (a guest\'s answer)',
    async () => {
      const [organiser, guest] = await Promise.all([signedInUser('msgansorg'), signedInUser('msgansguest')]);
      const id = await meetingOf(organiser, { participants: [guest.user.email] });
      return {
        response: await respond(guest, id, { response: 'tentative' }),
        status: 400,
        body: choiceError('response', '"tentative" is not a valid choice.', ['accepted', 'declined']),
      };
    },
  ],
  [
    'Not found. (answering a meeting one does not take part in)',
    async () => {
      const [organiser, stranger] = await Promise.all([signedInUser('msgansorg'), signedInUser('msgstranger')]);
      const id = await meetingOf(organiser);
      return { response: await respond(stranger, id, { response: 'accepted' }), status: 404, body: detail('Not found.') };
    },
  ],
  [
    'This change would rewrite N calendar entries at once; one atomic change holds at most 100. Change fewer participants at a time.',
    async () => {
      const me = await signedInUser('msgbound');
      const guests = (await crowd()).slice(0, 33);
      const id = await meetingOf(me, { participants: guests });
      // Moving 34 participants: the meeting, 34 hours taken, 34 freed, 33 guests re-indexed.
      return {
        response: await patch(me, id, { time_slot: at(freshDate(), 11) }),
        status: 400,
        body: fieldError(
          'participants',
          'This change would rewrite 102 calendar entries at once; one atomic change holds at most 100. Change fewer participants at a time.',
        ),
      };
    },
  ],
];

/** Holds the first store transaction until `release()`; `held` resolves once it is waiting. */
function holdFirstTransaction() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const held = new Promise<void>((resolve) => (reached = resolve));
  let first = true;
  interceptStore((call, send) => {
    if (!first || call.operation !== 'TransactWriteItems') return undefined;
    first = false;
    reached();
    return released.then(() => send(call));
  });
  return { held, release };
}

/** Requests under injected store faults: each runs alone, after the others. */
const faultCases: Case[] = [
  [
    'A request with this Idempotency-Key is still in progress; retry shortly.',
    async () => {
      const me = await signedInUser('msginprogress');
      const retry = () => book(me, { time_slot }, { 'idempotency-key': key });
      const [key, time_slot] = [`msg-${ulid()}`, at(freshDate(), 10)];
      const gate = holdFirstTransaction();
      const first = retry();
      await gate.held;
      const response = await retry();
      gate.release();
      expect((await first).status).toBe(201);
      return {
        response,
        status: 409,
        body: detail('A request with this Idempotency-Key is still in progress; retry shortly.'),
        headers: { 'retry-after': expect.stringMatching(/^[1-9]\d*$/) },
      };
    },
  ],
  [
    'The resource was changed by another request; retry with fresh data.',
    async () => {
      const me = await signedInUser('msgrace');
      const id = await meetingOf(me);
      const gate = holdFirstTransaction();
      const first = patch(me, id, { title: 'First' });
      await gate.held;
      expect((await patch(me, id, { title: 'Second' })).status).toBe(200);
      gate.release();
      return { response: await first, status: 409, body: detail('The resource was changed by another request; retry with fresh data.') };
    },
  ],
  [
    'The service is busy; nothing was changed. Retry shortly.',
    async () => {
      const me = await signedInUser('msgbusy');
      interceptStore(() => Promise.reject(new AwsServiceError('ProvisionedThroughputExceededException', 400, { message: 'slow down' })));
      return {
        response: await call('GET', '/api/user/get_detail/', { headers: me.auth }),
        status: 503,
        body: detail('The service is busy; nothing was changed. Retry shortly.'),
        headers: { 'retry-after': expect.stringMatching(/^[1-9]\d*$/) },
      };
    },
  ],
  [
    'A server error occurred.',
    async () => {
      const me = await signedInUser('msgcrash');
      interceptStore(() => Promise.reject(new Error('the disk is on fire')));
      return {
        response: await call('GET', '/api/user/get_detail/', { headers: me.auth }),
        status: 500,
        body: detail('A server error occurred.'),
      };
    },
  ],
];

function expectOutcome({ response, status, body, headers = {} }: Outcome) {
  expect({ status: response.status, body: response.body }).toEqual({ status, body });
  for (const [name, value] of Object.entries(headers)) expect(response.headers[name]).toEqual(value);
}

// The side-by-side cases start together, once; each test then judges its own.
const outcomes = new Map<string, Promise<Outcome>>();
beforeAll(async () => {
  process.env.TIME_ZONE = ZONE;
  for (const [message, provoke] of cases) outcomes.set(message, provoke());
  await Promise.allSettled(outcomes.values());
}, 30_000);

afterEach(() => jest.restoreAllMocks());

describe("the contract's error messages, whole", () => {
  it('names every case once', () => {
    const names = [...cases, ...faultCases].map(([message]) => message);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it.each(cases)('%s', async (message) => {
    expectOutcome(await outcomes.get(message)!);
  });

  it.each(faultCases)('%s', async (_message, provoke) => {
    expectOutcome(await provoke());
  });
});
