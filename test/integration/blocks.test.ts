/**
 * Taking blocks back, setting a day's blocks, reading ranges and a group's common free
 * time, through the handlers against DynamoDB Local.
 */
import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { integrityOf } from '../support/integrity';
import { interceptStore } from '../support/store-faults';

const dayAfter = (date: string, days = 1) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const block = (who: LoggedIn, date: string, hours: number[]) =>
  call('POST', '/api/user/block_slots/', { headers: who.auth, body: { date, blocked_slots: hours } });
const unblock = (who: LoggedIn, date: string, hours: unknown) =>
  call('POST', '/api/user/unblock_slots/', { headers: who.auth, body: { date, unblocked_slots: hours } });
const replace = (who: LoggedIn, date: string, hours: unknown) =>
  call('PUT', `/api/user/blocked_slots/${date}/`, { headers: who.auth, body: { blocked_slots: hours } });
const book = (who: LoggedIn, date: string, hour: number, guests: LoggedIn[] = []) =>
  call('POST', '/api/event/', {
    headers: who.auth,
    body: {
      title: 'Blocks',
      description: '',
      time_slot: `${date} ${String(hour).padStart(2, '0')}:00:00`,
      participants: guests.map((g) => g.user.email),
    },
  });

/** Counts the Query calls made while `run` runs. */
async function queriesDuring<T>(run: () => Promise<T>): Promise<{ result: T; queries: number }> {
  let queries = 0;
  const spy = interceptStore((call) => {
    if (call.operation === 'Query') queries += 1;
    return undefined;
  });
  try {
    return { result: await run(), queries };
  } finally {
    spy.mockRestore();
  }
}

describe('POST /api/user/unblock_slots/', () => {
  it('takes blocks back, ignores hours not blocked, and leaves a meeting hour unavailable', async () => {
    const me = await signedInUser('unblock');
    const date = freshDate();
    await block(me, date, [9, 10, 11]);
    expect((await book(me, date, 15)).status).toBe(201);
    const answer = await unblock(me, date, [9, 11, 12, 15]);
    expect(answer.status).toBe(200);
    expect(answer.body.response).toMatchObject({ date, user: me.user, blocked_slots: [10, 15] });
    expect(answer.body.response.available_time_slots).toHaveLength(22);
    const read = await call('GET', `/api/user/get_available_slots/?date=${date}`, { headers: me.auth });
    expect(read.body.response).toEqual(answer.body.response);
    // The hour is free again: a meeting can take it.
    expect((await book(me, date, 9)).status).toBe(201);
    expect(await integrityOf({ userIds: [me.user.id] })).toEqual([]);
  });

  it('answers the day unchanged when nothing was blocked', async () => {
    const me = await signedInUser('unblocknone');
    const date = freshDate();
    const answer = await unblock(me, date, [3]);
    expect(answer.status).toBe(200);
    expect(answer.body.response).toMatchObject({ id: null, date, blocked_slots: [], created: null, modified: null });
  });

  it.each([
    [{ date: '2000-01-01', unblocked_slots: [1] }, { err_message: ["Slots can't be defined for past date"] }],
    [
      { unblocked_slots: [] },
      {
        date: ['This field is required.'],
        unblocked_slots: ['This list may not be empty.'],
        err_message: ['date: This field is required.', 'unblocked_slots: This list may not be empty.'],
      },
    ],
    [
      { date: '2999-01-01', unblocked_slots: ['x'] },
      { unblocked_slots: ['A valid integer is required.'], err_message: ['unblocked_slots: A valid integer is required.'] },
    ],
  ])('refuses %j', async (body, expected) => {
    const me = await signedInUser('unblockbad');
    const answer = await call('POST', '/api/user/unblock_slots/', { headers: me.auth, body });
    expect([answer.status, answer.body]).toEqual([400, expected]);
  });
});

describe('PUT /api/user/blocked_slots/{date}/', () => {
  it('makes the blocks exactly the list, idempotently, and can empty them', async () => {
    const me = await signedInUser('replace');
    const date = freshDate();
    await block(me, date, [1, 2, 3]);
    const first = await replace(me, date, [3, 4]);
    expect([first.status, first.body.response.blocked_slots]).toEqual([200, [3, 4]]);
    const again = await replace(me, date, [4, 3]);
    expect(again.body.response).toEqual(first.body.response);
    expect((await replace(me, date, [])).body.response.blocked_slots).toEqual([]);
    expect(await integrityOf({ userIds: [me.user.id] })).toEqual([]);
  });

  it("refuses an hour of the caller's active meeting with booking's message, changing nothing", async () => {
    const me = await signedInUser('replacebooked');
    const date = freshDate();
    await block(me, date, [1]);
    expect((await book(me, date, 12)).status).toBe(201);
    const answer = await replace(me, date, [2, 12]);
    expect([answer.status, answer.body]).toEqual([400, { err_message: ['There is already an event booked at time slot : 12'] }]);
    const read = await call('GET', `/api/user/get_available_slots/?date=${date}`, { headers: me.auth });
    expect(read.body.response.blocked_slots).toEqual([1, 12]);
  });

  it.each([
    ['2000-01-01', [1], { err_message: ["Slots can't be defined for past date"] }],
    [
      '2030-02-30',
      [1],
      {
        date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
        err_message: ['date: Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
      },
    ],
    [
      '2999-01-01',
      [24],
      {
        blocked_slots: ['Ensure this value is less than or equal to 23.'],
        err_message: ['blocked_slots: Ensure this value is less than or equal to 23.'],
      },
    ],
  ])('refuses the date %s with %j', async (date, hours, expected) => {
    const me = await signedInUser('replacebad');
    const answer = await replace(me, date, hours);
    expect([answer.status, answer.body]).toEqual([400, expected]);
  });
});

describe('GET /api/user/get_available_slots/ over a range', () => {
  it("answers each date of the range in order, another user's too, from one query", async () => {
    const [me, other] = [await signedInUser('range'), await signedInUser('rangeother')];
    const from = freshDate();
    await block(other, dayAfter(from), [5]);
    await book(me, dayAfter(from, 2), 7, [other]);
    const { result, queries } = await queriesDuring(() =>
      call('GET', `/api/user/get_available_slots/?from=${from}&to=${dayAfter(from, 3)}&user=${other.user.email}`, { headers: me.auth }),
    );
    expect(result.status).toBe(200);
    expect(result.body.response.map((day: { date: string; blocked_slots: number[] }) => [day.date, day.blocked_slots])).toEqual([
      [from, []],
      [dayAfter(from), [5]],
      [dayAfter(from, 2), [7]],
      [dayAfter(from, 3), []],
    ]);
    expect(result.body.response[0]).toMatchObject({ id: null, user: other.user });
    // The caller's token, then the range: never one query per day.
    expect(queries).toBeLessThanOrEqual(2);
  });

  it.each([
    ['from=2030-01-01&to=2030-02-01', { to: ['Ensure the range has no more than 31 dates.'] }],
    ['date=2030-01-01&from=2030-01-01&to=2030-01-02', { date: ['Give either date, or from and to, not both.'] }],
    ['from=2030-01-02&to=2030-01-01', { to: ['Ensure this date is not before from.'] }],
  ])('refuses ?%s', async (query, fields) => {
    const me = await signedInUser('rangebad');
    const answer = await call('GET', `/api/user/get_available_slots/?${query}`, { headers: me.auth });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject(fields);
  });
});

describe('GET /api/availability/common/', () => {
  it('answers the hours free for all and the best ones, the caller first', async () => {
    const [me, bob, cyd] = [await signedInUser('common'), await signedInUser('commonbob'), await signedInUser('commoncyd')];
    const date = freshDate();
    await block(
      bob,
      date,
      Array.from({ length: 12 }, (_, hour) => hour),
    );
    await book(me, date, 13, [cyd]);
    const users = [bob.user.email, cyd.user.email.toUpperCase(), me.user.email].join(',');
    const { result, queries } = await queriesDuring(() =>
      call('GET', `/api/availability/common/?users=${encodeURIComponent(users)}&from=${date}&to=${date}`, { headers: me.auth }),
    );
    expect(result.status).toBe(200);
    const emails = [me.user.email, bob.user.email, cyd.user.email];
    expect(result.body).toMatchObject({ users: emails, from: date, to: date });
    expect(result.body.common).toEqual([12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23].map((hour) => `${date} ${hour}:00:00`));
    expect(result.body.best[0]).toEqual({ time_slot: `${date} 12:00:00`, free: emails, busy: [] });
    expect(result.body.best).toHaveLength(10);
    // The token, then one query per person.
    expect(queries).toBeLessThanOrEqual(1 + 3);
  });

  it('refuses an unknown email with the contract message', async () => {
    const me = await signedInUser('commonunknown');
    const date = freshDate();
    const answer = await call('GET', `/api/availability/common/?users=ghost@example.com&from=${date}&to=${date}`, { headers: me.auth });
    expect([answer.status, answer.body]).toEqual([
      400,
      {
        users: ['Invalid email "ghost@example.com" - object does not exist.'],
        err_message: ['users: Invalid email "ghost@example.com" - object does not exist.'],
      },
    ]);
  });
});
