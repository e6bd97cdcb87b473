/**
 * GET /api/event/: every filter crossed with every paging mode, on one caller's calendar
 * whose every meeting the test knows, so each page's ids, the count and both links are
 * asserted exactly, boundaries included.
 */
import { call, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';

// The service clock (UTC) stands at 08:30 on day A while the meetings are booked, then at
// 11:15, when A's meetings at 9, 10 and 11 have begun: "from now on" starts at A 12:00.
const A = '2030-03-01';
const B = '2030-03-02';
const C = '2030-03-04';
const bookedAt = `${A}T08:30:00.000Z`;
const listedAt = `${A}T11:15:00.000Z`;
const base = 'http://localhost/api/event/';

interface Planned {
  date: string;
  hour: number;
  cancelled: boolean;
  /** Organised by someone else, with the caller as a guest. */
  asGuest: boolean;
  id?: string;
}

const cancelledAt = new Set([`${A} 10`, `${A} 13`, `${B} 9`, `${B} 15`, `${C} 12`, `${C} 19`]);
const guestAt = new Set([`${A} 9`, `${B} 11`, `${C} 15`]);
const hoursOf = (date: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    date,
    hour: from + i,
    cancelled: cancelledAt.has(`${date} ${from + i}`),
    asGuest: guestAt.has(`${date} ${from + i}`),
  }));
// Listed in time order, the order every listing must keep.
const plan: Planned[] = [...hoursOf(A, 9, 14), ...hoursOf(B, 8, 19), ...hoursOf(C, 10, 19)];
const slot = (meeting: Planned) => `${meeting.date} ${String(meeting.hour).padStart(2, '0')}:00:00`;
const upcoming = (meeting: Planned) => slot(meeting) >= `${A} 12:00:00`;

type Params = Record<string, string>;
interface Filter {
  params: Params;
  keeps: (meeting: Planned) => boolean;
  count: number;
  /** The page size of the limit/offset cases, smaller than the count where there is one. */
  limit: number;
}

const filters: Record<string, Filter> = {
  'no filter (from now on)': { params: {}, keeps: upcoming, count: 25, limit: 7 },
  'status=active': { params: { status: 'active' }, keeps: (m) => upcoming(m) && !m.cancelled, count: 20, limit: 5 },
  'status=cancelled': { params: { status: 'cancelled' }, keeps: (m) => upcoming(m) && m.cancelled, count: 5, limit: 2 },
  'from and to, reaching into the past': { params: { from: A, to: B }, keeps: (m) => m.date <= B, count: 18, limit: 7 },
  'to alone (from now on)': { params: { to: B }, keeps: (m) => upcoming(m) && m.date <= B, count: 15, limit: 4 },
  'from, to and status': { params: { from: B, to: B, status: 'cancelled' }, keeps: (m) => m.date === B && m.cancelled, count: 2, limit: 1 },
  'an empty range (from after to)': { params: { from: C, to: A }, keeps: () => false, count: 0, limit: 3 },
};

let me: LoggedIn;
let other: LoggedIn;

beforeAll(async () => {
  pinClock(bookedAt);
  [me, other] = await Promise.all([signedInUser('paging'), signedInUser('pagingorg')]);
  for (const date of [A, B, C]) {
    await Promise.all(
      plan
        .filter((meeting) => meeting.date === date)
        .map(async (meeting) => {
          const organiser = meeting.asGuest ? other : me;
          const booked = await call('POST', '/api/event/', {
            headers: organiser.auth,
            body: { title: slot(meeting), time_slot: slot(meeting), participants: meeting.asGuest ? [me.user.email] : [] },
          });
          if (booked.status !== 201) throw new Error(`booking ${slot(meeting)} failed: ${booked.text}`);
          meeting.id = booked.body.response.id;
          if (!meeting.cancelled) return;
          const cancelled = await call('PATCH', `/api/event/${meeting.id}/`, { headers: organiser.auth, body: { status: 'cancelled' } });
          if (cancelled.status !== 200) throw new Error(`cancelling ${slot(meeting)} failed: ${cancelled.text}`);
        }),
    );
  }
  setClock(listedAt);
}, 60_000);
afterAll(unpinClock);

const query = (params: Params) => {
  const text = new URLSearchParams(params).toString();
  return text ? `?${text}` : '';
};
const list = (params: Params, who: LoggedIn = me) => call('GET', `/api/event/${query(params)}`, { headers: who.auth });
const follow = (url: string) => call('GET', url.slice('http://localhost'.length), { headers: me.auth });
const ids = (body: { results: { id: string }[] }) => body.results.map((meeting) => meeting.id);
/** A link of the listing's own: the filters kept, in the order sent, then the paging. */
const link = (params: Params) => `${base}${query(params)}`;
const chunks = <T>(items: T[], size: number): T[][] =>
  items.length === 0 ? [[]] : Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** A cursor link that keeps exactly `filters`, and its cursor. */
function cursorOf(url: unknown, filters: Params): string {
  expect(typeof url).toBe('string');
  const parsed = new URL(url as string);
  expect(`${parsed.origin}${parsed.pathname}`).toBe(base);
  const kept = [...parsed.searchParams].filter(([name]) => name !== 'cursor');
  expect(kept).toEqual(Object.entries(filters));
  const cursors = parsed.searchParams.getAll('cursor');
  expect(cursors).toHaveLength(1);
  expect(cursors[0]).toMatch(/^[\w-]{20,}$/);
  return cursors[0]!;
}

describe.each(Object.entries(filters))('GET /api/event/ with %s', (_, { params, keeps, count, limit }) => {
  const expected = () => plan.filter(keeps).map((meeting) => meeting.id!);

  it('cursor: walks forward by next links and back by previous links, ten a page', async () => {
    const pages = chunks(expected(), 10);
    let answer = await list(params);
    for (let i = 0; ; i++) {
      expect({ page: i, status: answer.status, count: answer.body.count, ids: ids(answer.body) }).toEqual({
        page: i,
        status: 200,
        count,
        ids: pages[i],
      });
      if (i === 0) expect(answer.body.previous).toBeNull();
      else cursorOf(answer.body.previous, params);
      if (i === pages.length - 1) break;
      cursorOf(answer.body.next, params);
      answer = await follow(answer.body.next);
    }
    expect(answer.body.next).toBeNull();
    for (let i = pages.length - 2; i >= 0; i--) {
      cursorOf(answer.body.previous, params);
      answer = await follow(answer.body.previous);
      expect({ page: i, count: answer.body.count, ids: ids(answer.body) }).toEqual({ page: i, count, ids: pages[i] });
      cursorOf(answer.body.next, params);
    }
    expect(answer.body.previous).toBeNull();
  });

  it('page: every page with its links, then 404 past the last', async () => {
    const pages = chunks(expected(), 10);
    for (let page = 1; page <= pages.length; page++) {
      const answer = await list({ ...params, page: String(page) });
      expect({ page, status: answer.status, count: answer.body.count, ids: ids(answer.body) }).toEqual({
        page,
        status: 200,
        count,
        ids: pages[page - 1],
      });
      expect({
        page,
        next: answer.body.next,
        previous: answer.body.previous,
      }).toEqual({
        page,
        next: page < pages.length ? link({ ...params, page: String(page + 1) }) : null,
        previous: page === 1 ? null : link(page === 2 ? params : { ...params, page: String(page - 1) }),
      });
    }
    expect(await list({ ...params, page: String(pages.length + 1) })).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
  });

  it(`limit/offset: walks by next links, ${limit} a page`, async () => {
    const all = expected();
    let answer = await list({ ...params, limit: String(limit) });
    for (let offset = 0; ; offset += limit) {
      expect({ offset, count: answer.body.count, ids: ids(answer.body) }).toEqual({
        offset,
        count,
        ids: all.slice(offset, offset + limit),
      });
      const earlier = offset - limit;
      expect(answer.body.previous).toBe(
        offset === 0 ? null : link({ ...params, limit: String(limit), ...(earlier > 0 ? { offset: String(earlier) } : {}) }),
      );
      if (offset + limit >= count) break;
      expect(answer.body.next).toBe(link({ ...params, limit: String(limit), offset: String(offset + limit) }));
      answer = await follow(answer.body.next);
    }
    expect(answer.body.next).toBeNull();
  });

  /** The page at `offset`: its ids and both links, as the contract writes them. */
  const offsetPage = (offset: number) => {
    const previousOffset = offset - limit;
    const previous =
      offset === 0 ? null : link({ ...params, limit: String(limit), ...(previousOffset > 0 ? { offset: String(previousOffset) } : {}) });
    const next = offset + limit < count ? link({ ...params, limit: String(limit), offset: String(offset + limit) }) : null;
    return { status: 200, count, ids: expected().slice(offset, offset + limit), next, previous };
  };
  const offsetAnswer = async (offset: number) => {
    const answer = await list({ ...params, limit: String(limit), offset: String(offset) });
    return {
      status: answer.status,
      count: answer.body.count,
      ids: ids(answer.body),
      next: answer.body.next,
      previous: answer.body.previous,
    };
  };

  if (count > 0) {
    it('limit/offset: a page ending exactly at the last meeting has no next link', async () => {
      const answer = await offsetAnswer(count - limit);
      expect(answer).toEqual(offsetPage(count - limit));
      expect(answer.next).toBeNull();
      expect(answer.ids).toHaveLength(limit);
    });

    it('limit/offset: a page ending one before the last meeting links to a page of that one', async () => {
      const offset = count - limit - 1;
      const answer = await offsetAnswer(offset);
      expect(answer).toEqual(offsetPage(offset));
      expect(answer.next).toBe(link({ ...params, limit: String(limit), offset: String(count - 1) }));
      const last = await follow(answer.next);
      expect({ ids: ids(last.body), next: last.body.next }).toEqual({ ids: expected().slice(-1), next: null });
    });
  }

  it.each([0, 1, 5])('limit/offset: offset = count + %i answers an empty page with no next link', async (beyond) => {
    const offset = count + beyond;
    const answer = await offsetAnswer(offset);
    expect(answer).toEqual(offsetPage(offset));
    expect(answer.ids).toEqual([]);
    expect(answer.next).toBeNull();
  });
});

describe('a cursor used with other filters', () => {
  const firstCursor = async (params: Params, who: LoggedIn = me) => {
    const answer = await list(params, who);
    expect(answer.status).toBe(200);
    return cursorOf(answer.body.next, params);
  };

  it.each<{ first: string; firstParams: Params; then: string; thenParams: Params }>([
    { first: 'status=active', firstParams: { status: 'active' }, then: 'status=cancelled', thenParams: { status: 'cancelled' } },
    { first: 'no filter', firstParams: {}, then: 'status=active', thenParams: { status: 'active' } },
    { first: 'status=active', firstParams: { status: 'active' }, then: 'no filter', thenParams: {} },
  ])('refuses a cursor of $first reused with $then: 404 Invalid cursor', async ({ firstParams, thenParams }) => {
    const cursor = await firstCursor(firstParams);
    expect(await list({ ...thenParams, cursor })).toMatchObject({ status: 404, body: { detail: 'Invalid cursor' } });
  });

  it("refuses a cursor of another caller's listing", async () => {
    const cursor = await firstCursor({});
    const answer = await list({ cursor }, other);
    expect(answer).toMatchObject({ status: 404, body: { detail: 'Invalid cursor' } });
  });
});
