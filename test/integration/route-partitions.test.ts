/**
 * Each route touches only the partitions it declares in the route table: the very list
 * the stack turns into its IAM `dynamodb:LeadingKeys` condition. Every DynamoDB call a
 * route's handler makes (its idempotency records' included) is recorded and its partition
 * keys compared with the declaration.
 */
import { partitions } from '../../functions/store/items/partitions';
import { type Partition, routes } from '../../functions/routes';
import { services } from '../../functions/services';
import { call, type CallOptions, freshDate, type LoggedIn, signedInUser, uniqueUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';

/** The partition keys named anywhere in a command's input (plain or marshalled). */
function partitionKeysOf(input: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key?: string) => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((entry) => visit(entry));
    const record = value as Record<string, unknown>;
    for (const [name, inner] of Object.entries(record)) {
      const text = typeof inner === 'string' ? inner : (inner as { S?: unknown } | null)?.S;
      if ((name === 'pk' || name === ':pk') && typeof text === 'string') found.push(text);
      else visit(inner, name);
    }
    void key;
  };
  visit(input);
  return found;
}

const partitionOf = (pk: string) =>
  (Object.entries(partitions) as [Partition, string][]).find(([, prefix]) =>
    prefix.endsWith('#') ? pk.startsWith(prefix) : pk === prefix,
  )?.[0];

let touched: Set<string> | undefined;
beforeAll(() => {
  services().dynamoDb.use((call, next) => {
    for (const pk of partitionKeysOf(call.input)) touched?.add(partitionOf(pk) ?? `unknown:${pk}`);
    return next(call);
  });
});

/** The partitions one request touched. */
async function partitionsTouchedBy(method: string, url: string, options: CallOptions, status: number): Promise<string[]> {
  touched = new Set();
  const response = await call(method, url, options);
  const seen = [...touched];
  touched = undefined;
  expect({ url, status: response.status }).toEqual({ url, status });
  return seen;
}

const declared = (name: string) => new Set<string>(routes.find((route) => route.name === name)!.partitions);

describe('the partitions each route touches', () => {
  let me: LoggedIn;
  let guest: LoggedIn;
  beforeAll(async () => {
    [me, guest] = await Promise.all([signedInUser('parts'), signedInUser('partsguest')]);
  });

  const check = async (name: string, method: string, url: string, options: CallOptions, status: number) => {
    const seen = await partitionsTouchedBy(method, url, options, status);
    expect(seen.length).toBeGreaterThan(0);
    for (const partition of seen)
      expect({ route: name, partition, declared: declared(name).has(partition) }).toEqual({ route: name, partition, declared: true });
  };

  it('sign up and login', async () => {
    const candidate = uniqueUser('partsnew');
    await check('SignUp', 'POST', '/api/user/sign_up/', { body: candidate }, 201);
    await check(
      'Login',
      'POST',
      '/api/user/login/',
      { body: { username: candidate.username, password: 'wrong-password' }, sourceIp: '10.9.9.9' },
      401,
    );
    await check(
      'Login',
      'POST',
      '/api/user/login/',
      { body: { username: candidate.username, password: candidate.password }, sourceIp: '10.9.9.9' },
      200,
    );
  });

  it('availability', async () => {
    const date = freshDate();
    await check('BlockSlots', 'POST', '/api/user/block_slots/', { headers: me.auth, body: { date, blocked_slots: [9] } }, 200);
    await check(
      'GetAvailableSlots',
      'GET',
      `/api/user/get_available_slots/?date=${date}&user=${guest.user.email}`,
      { headers: me.auth },
      200,
    );
    await check('UnblockSlots', 'POST', '/api/user/unblock_slots/', { headers: me.auth, body: { date, unblocked_slots: [9] } }, 200);
    await check('ReplaceBlockedSlots', 'PUT', `/api/user/blocked_slots/${date}/`, { headers: me.auth, body: { blocked_slots: [3] } }, 200);
    await check(
      'GetAvailableSlots',
      'GET',
      `/api/user/get_available_slots/?from=${date}&to=${date}&user=${guest.user.email}`,
      { headers: me.auth },
      200,
    );
    await check(
      'CommonAvailability',
      'GET',
      `/api/availability/common/?users=${guest.user.email}&from=${date}&to=${date}`,
      { headers: me.auth },
      200,
    );
  });

  it('meetings, with an Idempotency-Key, and a listing', async () => {
    const body = { title: 'P', description: '', time_slot: `${freshDate()} 10:00:00`, participants: [guest.user.email] };
    await check('CreateEvent', 'POST', '/api/event/', { headers: { ...me.auth, 'idempotency-key': `k${Date.now()}` }, body }, 201);
    const listed = await call('GET', '/api/event/', { headers: me.auth });
    const id = listed.body.results[0].id as string;
    await check('ListEvents', 'GET', '/api/event/', { headers: me.auth }, 200);
    await check('GetEvent', 'GET', `/api/event/${id}/`, { headers: guest.auth }, 200);
    await check(
      'UpdateEvent',
      'PATCH',
      `/api/event/${id}/`,
      { headers: { ...me.auth, 'idempotency-key': `u${Date.now()}` }, body: { participants: [me.user.email] } },
      200,
    );
  });

  it("a guest's answers: declining frees the hour, accepting takes it back", async () => {
    const body = { title: 'P', description: '', time_slot: `${freshDate()} 11:00:00`, participants: [guest.user.email] };
    const id = (await call('POST', '/api/event/', { headers: me.auth, body })).body.response.id as string;
    for (const response of ['declined', 'accepted']) {
      await check(
        'RespondToEvent',
        'POST',
        `/api/event/${id}/respond/`,
        { headers: { ...guest.auth, 'idempotency-key': `r${response}${Date.now()}` }, body: { response } },
        200,
      );
    }
  });

  it('calendar feeds, and a meeting as a calendar file', async () => {
    const body = { title: 'F', description: '', time_slot: `${freshDate()} 10:00:00`, participants: [guest.user.email] };
    const booked = await call('POST', '/api/event/', { headers: me.auth, body });
    await check('GetEventIcs', 'GET', `/api/event/${booked.body.response.id}/ics/`, { headers: guest.auth }, 200);
    await check('CreateCalendarFeed', 'POST', '/api/user/calendar_feed/', { headers: guest.auth }, 201);
    const feed = await call('POST', '/api/user/calendar_feed/', { headers: guest.auth });
    const path = new URL(feed.body.url).pathname;
    pinClock(Date.parse(`${body.time_slot.replace(' ', 'T')}Z`) - 86_400_000); // the meeting is in the feed's window
    try {
      await check('CalendarFeed', 'GET', path, {}, 200);
    } finally {
      unpinClock();
    }
    await check('DeleteCalendarFeed', 'DELETE', '/api/user/calendar_feed/', { headers: guest.auth }, 204);
  });

  it('a token renewed by use, and logout', async () => {
    const now = Date.now();
    pinClock(now + 20 * 86_400_000); // past half of the token's life: this use renews it
    try {
      await check('GetDetail', 'GET', '/api/user/get_detail/', { headers: me.auth }, 200);
      setClock(now + 21 * 86_400_000);
      await check('Logout', 'POST', '/api/user/logout/', { headers: me.auth }, 200);
    } finally {
      unpinClock();
    }
  });
});

it('names the same partitions in the route table as the store defines', () => {
  // Both directions are checked by the compiler: a partition missing on either side fails here.
  const fromStore: Record<Partition, string> = partitions;
  const named: Partition[] = Object.keys(partitions) as (keyof typeof partitions)[];
  expect(Object.keys(fromStore).sort()).toEqual([...named].sort());
});
