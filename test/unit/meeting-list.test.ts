import { dateMessages } from '../../functions/domain/availability';
import { NotFound, ValidationFailed } from '../../functions/domain/errors';
import { listMeetings } from '../../functions/domain/meeting-list';
import type { Meeting } from '../../functions/domain/meetings';
import type { MeetingPage, MeetingRange, MeetingStore, PageRequest } from '../../functions/domain/ports';
import { expectRejection } from './expect-error';

const now = new Date('2030-06-01T12:30:00Z');
const caller = { id: 'id-ann', username: 'ann', email: 'ann@example.com' };
const base = 'https://api.example/api/event/';

/** A store that answers one count and one page, and keeps what it was asked. */
class ListingStore implements MeetingStore {
  readonly ranges: MeetingRange[] = [];
  readonly requests: PageRequest[] = [];
  constructor(
    private readonly total: number,
    private readonly answer: MeetingPage = { meetings: [], hasNext: false, hasPrevious: false },
  ) {}
  async count(range: MeetingRange) {
    this.ranges.push(range);
    return this.total;
  }
  async page(range: MeetingRange, request: PageRequest) {
    this.ranges.push(range);
    this.requests.push(request);
    return this.answer;
  }
  async create(): Promise<Meeting> {
    throw new Error('not used by listings');
  }
  async get(): Promise<Meeting | undefined> {
    throw new Error('not used by listings');
  }
  async replace(): Promise<void> {
    throw new Error('not used by listings');
  }
  async inRange(): Promise<{ meetings: Meeting[]; complete: boolean }> {
    throw new Error('not used by listings');
  }
}

async function list(params: Record<string, string | undefined>, store = new ListingStore(0)) {
  const answer = await listMeetings(params, { meetings: store, caller, zone: 'UTC', now, baseUrl: base });
  return { answer, store };
}

const meeting: Meeting = {
  id: '01J0000000000000000000000A',
  title: 'Plan',
  description: null,
  slot: { date: '2030-06-02', hour: 9 },
  status: 'active',
  organiser: caller,
  participants: [caller, { id: 'id-bob', username: 'bob', email: 'bob@example.com' }],
  version: 3,
  created: '2030-05-01T08:00:00.000Z',
  modified: '2030-05-02T09:30:15.000Z',
};

describe('the range a listing reads', () => {
  it('starts at the first hour that has not begun and is open-ended by default', async () => {
    const { store } = await list({});
    expect(store.ranges[0]).toEqual({
      userId: 'id-ann',
      status: undefined,
      from: '2030-06-01 13:00:00',
      to: undefined,
      filters: '[null,null,null]',
    });
  });

  it('counts and pages the same range', async () => {
    const { store } = await list({ status: 'active', from: '2030-07-01' });
    expect(store.ranges[1]).toEqual(store.ranges[0]);
  });

  it('covers whole days from the from date to the to date', async () => {
    const { store } = await list({ from: '2030-07-01', to: '2030-07-31' });
    expect(store.ranges[0]).toMatchObject({ from: '2030-07-01 00:00:00', to: '2030-07-31 23:00:00' });
  });

  it.each(['active', 'cancelled'] as const)('filters by the status %s', async (status) => {
    const { store } = await list({ status });
    expect(store.ranges[0]?.status).toBe(status);
  });

  it('reads empty filters as absent', async () => {
    const { store } = await list({ status: '', from: '', to: '' });
    expect(store.ranges[0]).toEqual({
      userId: 'id-ann',
      status: undefined,
      from: '2030-06-01 13:00:00',
      to: undefined,
      filters: '[null,null,null]',
    });
  });

  it('refuses an unknown status and unreadable dates, naming each field', async () => {
    const error = await expectRejection(
      list({ status: 'done', from: '2030-02-30', to: 'tomorrow' }),
      ValidationFailed,
      `status: "done" is not a valid choice.; from: ${dateMessages.format}; to: ${dateMessages.format}`,
    );
    expect(error.fields).toEqual({ status: ['"done" is not a valid choice.'], from: [dateMessages.format], to: [dateMessages.format] });
  });
});

describe('cursor pages (the default)', () => {
  it('reads the first page of 10 without a cursor, and with an empty one', async () => {
    const { store } = await list({ cursor: '' });
    expect(store.requests).toEqual([{ kind: 'cursor', cursor: undefined, limit: 10 }]);
  });

  it('reads the page after the given cursor', async () => {
    const { store } = await list({ cursor: 'abc' });
    expect(store.requests).toEqual([{ kind: 'cursor', cursor: 'abc', limit: 10 }]);
  });

  it('links the next and previous pages by cursor, keeping the filters', async () => {
    const store = new ListingStore(30, { meetings: [], hasNext: true, hasPrevious: true, before: 'B', after: 'A' });
    const { answer } = await list({ status: 'active', cursor: 'old' }, store);
    expect(answer).toMatchObject({ next: `${base}?status=active&cursor=A`, previous: `${base}?status=active&cursor=B` });
  });

  it('links nothing when the store has nothing before or after the page', async () => {
    const store = new ListingStore(3, { meetings: [], hasNext: false, hasPrevious: false, before: 'B', after: 'A' });
    const { answer } = await list({}, store);
    expect(answer).toMatchObject({ next: null, previous: null });
  });
});

describe('the answer', () => {
  it("holds the count and the page's meetings as the API shows them", async () => {
    const store = new ListingStore(1, { meetings: [meeting], hasNext: false, hasPrevious: false });
    const { answer } = await list({}, store);
    expect(answer).toEqual({
      count: 1,
      next: null,
      previous: null,
      results: [
        {
          id: '01J0000000000000000000000A',
          participants: ['ann@example.com', 'bob@example.com'],
          organiser: 'ann@example.com',
          created: '2030-05-01 08:00:00',
          modified: '2030-05-02 09:30:15',
          title: 'Plan',
          description: null,
          time_slot: '2030-06-02 09:00:00',
          status: 'active',
          responses: { 'ann@example.com': 'accepted', 'bob@example.com': 'needs_action' },
        },
      ],
    });
  });
});

describe('limit and offset pages', () => {
  it('reads the page at the offset', async () => {
    const { store } = await list({ limit: '5', offset: '10' }, new ListingStore(30));
    expect(store.requests).toEqual([{ kind: 'offset', offset: 10, limit: 5 }]);
  });

  it('links the pages on either side, keeping the filters', async () => {
    const { answer } = await list({ limit: '5', offset: '10', status: 'active' }, new ListingStore(30));
    expect(answer).toMatchObject({ next: `${base}?status=active&limit=5&offset=15`, previous: `${base}?status=active&limit=5&offset=5` });
  });

  it('links no next page when the page reaches the count', async () => {
    const { answer } = await list({ limit: '5', offset: '10' }, new ListingStore(15));
    expect(answer.next).toBeNull();
  });

  it('links no previous page from offset 0', async () => {
    const { answer } = await list({ limit: '5', offset: '0' }, new ListingStore(15));
    expect(answer.previous).toBeNull();
  });

  it.each(['5', '3'])('links the first page without an offset from offset %s', async (offset) => {
    const { answer } = await list({ limit: '5', offset }, new ListingStore(15));
    expect(answer.previous).toBe(`${base}?limit=5`);
  });

  it.each([
    ['an offset alone', { offset: '10' }, { offset: 10, limit: 10 }],
    ['a limit alone', { limit: '7' }, { offset: 0, limit: 7 }],
    ['a limit above 100', { limit: '500' }, { offset: 0, limit: 100 }],
    ['padded numbers', { limit: ' 7 ', offset: ' 3 ' }, { offset: 3, limit: 7 }],
    ['a zero limit', { limit: '0' }, { offset: 0, limit: 10 }],
    ['a negative limit and offset', { limit: '-5', offset: '-5' }, { offset: 0, limit: 10 }],
    ['words', { limit: 'ten', offset: 'two' }, { offset: 0, limit: 10 }],
    ['exponents', { limit: '2e1', offset: '1e1' }, { offset: 0, limit: 10 }],
    ['hexadecimal', { limit: '0x7', offset: '0x7' }, { offset: 0, limit: 10 }],
  ])('reads %s as DRF does', async (_, params, expected) => {
    const { store } = await list(params, new ListingStore(0));
    expect(store.requests).toEqual([{ kind: 'offset', ...expected }]);
  });
});

describe('numbered pages', () => {
  it('reads page n as the offset of n - 1 pages of 10', async () => {
    const { store } = await list({ page: '3' }, new ListingStore(25));
    expect(store.requests).toEqual([{ kind: 'offset', offset: 20, limit: 10 }]);
  });

  it('links page 1 without a page number, and the next page by number', async () => {
    const { answer } = await list({ page: '2', status: 'active' }, new ListingStore(25));
    expect(answer).toMatchObject({ next: `${base}?status=active&page=3`, previous: `${base}?status=active` });
  });

  it('links the previous page by number from page 3 on', async () => {
    const { answer } = await list({ page: '3' }, new ListingStore(25));
    expect(answer).toMatchObject({ next: null, previous: `${base}?page=2` });
  });

  it('links nothing from a first page that holds everything', async () => {
    const { answer } = await list({ page: '1' }, new ListingStore(10));
    expect(answer).toMatchObject({ next: null, previous: null });
  });

  it('serves an empty first page', async () => {
    const { answer } = await list({ page: '1' }, new ListingStore(0));
    expect(answer).toMatchObject({ count: 0, next: null, previous: null, results: [] });
  });

  it('serves the last page when it holds a single meeting', async () => {
    const { answer } = await list({ page: '2' }, new ListingStore(11));
    expect(answer).toMatchObject({ count: 11, next: null, previous: base });
  });

  it('refuses a page past the last', async () => {
    await expectRejection(list({ page: '3' }, new ListingStore(20)), NotFound, 'Invalid page.');
  });

  it.each(['last', '0', '-1', 'two', '1e1', '0x2', ''])('refuses the page %j', async (page) => {
    await expectRejection(list({ page }, new ListingStore(100)), NotFound, 'Invalid page.');
  });

  it('reads a padded page number', async () => {
    const { store } = await list({ page: ' 2 ' }, new ListingStore(25));
    expect(store.requests).toEqual([{ kind: 'offset', offset: 10, limit: 10 }]);
  });

  it('leaves other paging parameters out of its links', async () => {
    const { answer } = await list({ page: '2', limit: '5', offset: '1', cursor: 'c', to: '2030-12-31' }, new ListingStore(25));
    expect(answer.next).toBe(`${base}?to=2030-12-31&page=3`);
  });
});

describe('how deep a listing may be read by position', () => {
  it('reads page 10000', async () => {
    const { store } = await list({ page: '10000' }, new ListingStore(200_000));
    expect(store.requests).toEqual([{ kind: 'offset', offset: 99_990, limit: 10 }]);
  });

  it('refuses page 10001', async () => {
    const error = await expectRejection(
      list({ page: '10001' }, new ListingStore(200_000)),
      ValidationFailed,
      'page: Ensure this value is less than or equal to 10000.',
    );
    expect(error.fields).toEqual({ page: ['Ensure this value is less than or equal to 10000.'] });
  });

  it('reads offset 100000', async () => {
    const { store } = await list({ offset: '100000' }, new ListingStore(0));
    expect(store.requests).toEqual([{ kind: 'offset', offset: 100_000, limit: 10 }]);
  });

  it('refuses offset 100001', async () => {
    const error = await expectRejection(
      list({ offset: '100001' }, new ListingStore(0)),
      ValidationFailed,
      'offset: Ensure this value is less than or equal to 100000.',
    );
    expect(error.fields).toEqual({ offset: ['Ensure this value is less than or equal to 100000.'] });
  });
});
