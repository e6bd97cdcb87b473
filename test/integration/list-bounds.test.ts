/**
 * Ordinary input to the meetings list never reaches DynamoDB as something it refuses:
 * huge offsets and pages are bounded, and a cursor is honoured only under the filters it
 * was issued for (a genuine `next` link stays valid as time passes).
 */
import { call, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';

const year = new Date().getUTCFullYear() + 2;
const A = `${year}-03-01`;
const B = `${year}-03-02`;
const C = `${year}-03-04`;
let me: LoggedIn;

beforeAll(async () => {
  pinClock(`${A}T08:30:00.000Z`);
  me = await signedInUser('bounds');
  await Promise.all(
    [A, B, C].flatMap((date) =>
      [9, 10, 11, 12, 13, 14].map(async (hour) => {
        const booked = await call('POST', '/api/event/', {
          headers: me.auth,
          body: { title: 'M', time_slot: `${date} ${String(hour).padStart(2, '0')}:00:00`, participants: [] },
        });
        if (booked.status !== 201) throw new Error(booked.text);
      }),
    ),
  );
}, 60_000);
afterAll(unpinClock);

const list = (query: string) => call('GET', `/api/event/${query}`, { headers: me.auth });
const cursorOf = (url: string) => new URL(url).searchParams.get('cursor')!;

describe('offsets and pages', () => {
  it.each([
    ['offset=99999999999999999999', { offset: ['Ensure this value is less than or equal to 100000.'] }],
    ['limit=10&offset=100001', { offset: ['Ensure this value is less than or equal to 100000.'] }],
    ['page=1000000000', { page: ['Ensure this value is less than or equal to 10000.'] }],
    ['page=99999999999999999999', { page: ['Ensure this value is less than or equal to 10000.'] }],
  ])('refuses %s with 400 in the contract shape', async (query, fields) => {
    const response = await list(`?${query}`);
    expect(response.status).toBe(400);
    const [[field, messages]] = Object.entries(fields) as [[string, string[]]];
    expect(response.body).toEqual({ [field]: messages, err_message: messages.map((message) => `${field}: ${message}`) });
  });

  it('still serves the largest offset and page as empty', async () => {
    expect(await list('?offset=100000')).toMatchObject({ status: 200, body: { count: 18, results: [] } });
    expect(await list('?page=10000')).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
  });
});

describe('cursors', () => {
  it('refuses a cursor of the unfiltered listing reused with from and to: 404 Invalid cursor', async () => {
    const cursor = cursorOf((await list('')).body.next);
    expect(await list(`?from=${A}&to=${C}&cursor=${cursor}`)).toMatchObject({ status: 404, body: { detail: 'Invalid cursor' } });
  });

  it('refuses a cursor reused with a range that does not hold its position: 404, not 500', async () => {
    const cursor = cursorOf((await list(`?from=${B}`)).body.next);
    expect(await list(`?to=${A}&cursor=${cursor}`)).toMatchObject({ status: 404, body: { detail: 'Invalid cursor' } });
  });

  it('follows a genuine next link after time has passed the position it names', async () => {
    setClock(`${A}T08:30:00.000Z`);
    const first = await list('');
    expect(first.body.results).toHaveLength(10);
    setClock(`${C}T10:30:00.000Z`); // every meeting of A and B, and two of C, have begun
    const next = await call('GET', new URL(first.body.next).pathname + new URL(first.body.next).search, { headers: me.auth });
    expect(next.status).toBe(200);
    expect(next.body.results.map((meeting: { time_slot: string }) => meeting.time_slot)).toEqual(
      [11, 12, 13, 14].map((hour) => `${C} ${hour}:00:00`),
    );
    setClock(`${A}T08:30:00.000Z`);
  });

  it('answers a previous link whose position has passed with an empty page, not an error', async () => {
    setClock(`${A}T08:30:00.000Z`);
    const first = await list('');
    const second = await call('GET', new URL(first.body.next).pathname + new URL(first.body.next).search, { headers: me.auth });
    setClock(`${year}-03-05T00:00:00.000Z`); // all of them have begun (within the token's life)
    const back = await call('GET', new URL(second.body.previous).pathname + new URL(second.body.previous).search, { headers: me.auth });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ count: 0, results: [], next: null, previous: null });
    setClock(`${A}T08:30:00.000Z`);
  });
});
