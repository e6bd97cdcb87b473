import {
  BLOCK_CHANGE_ATTEMPTS,
  blockSlots,
  dateMessages,
  describeDay,
  getAvailability,
  rangeMessages,
  replaceBlocks,
  unblockSlots,
} from '../../functions/domain/availability';
import { BusinessRuleViolation, TemporarilyUnavailable, ValidationFailed } from '../../functions/domain/errors';
import { expectRejection } from './expect-error';
import { MemoryAvailability as SharedMemoryAvailability, MemoryUsers, person } from './fakes';

const now = new Date('2030-06-01T20:00:00Z');
const ann = { id: 'id-ann', username: 'ann', email: 'ann@example.com' };
const record = { id: 'day-1', created: '2030-05-01T08:00:00.000Z', modified: '2030-05-02T09:30:15.250Z' };

/** Days by user and date; blocking adds blocked hours and the day's record. */
class MemoryAvailability extends SharedMemoryAvailability {
  constructor() {
    super(record);
  }
}

const block = (body: unknown, availability = new MemoryAvailability(), zone = 'UTC') =>
  blockSlots(body, { availability, caller: ann, zone, now });

async function fieldsOf(attempt: Promise<unknown>): Promise<ValidationFailed['fields']> {
  const settled = await attempt.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(settled).toBeInstanceOf(ValidationFailed);
  return (settled as ValidationFailed).fields;
}

describe('how a day is shown', () => {
  it('lists the taken hours as blocked and every other hour as available, in order', () => {
    const day = describeDay(ann, '2030-06-02', {
      record,
      slots: [
        { hour: 23, kind: 'meeting', meetingId: 'm' },
        { hour: 0, kind: 'blocked' },
      ],
    });
    expect(day).toMatchObject({ blocked_slots: [0, 23], available_time_slots: Array.from({ length: 22 }, (_, index) => index + 1) });
  });

  it("shows the day's record with its timestamps in the API's format", () => {
    const day = describeDay({ ...ann, passwordHash: 'secret' } as typeof ann, '2030-06-02', { record, slots: [] });
    expect(day).toEqual({
      id: 'day-1',
      user: ann,
      date: '2030-06-02',
      blocked_slots: [],
      available_time_slots: Array.from({ length: 24 }, (_, hour) => hour),
      created: '2030-05-01 08:00:00',
      modified: '2030-05-02 09:30:15',
    });
  });

  it('shows a day without a record with null id and timestamps', () => {
    expect(describeDay(ann, '2030-06-02', { slots: [] })).toMatchObject({ id: null, created: null, modified: null });
  });
});

describe('blocking hours', () => {
  it('blocks each hour once, in the order given, and answers the day as it now is', async () => {
    const availability = new MemoryAvailability();
    const day = await block({ date: '2030-06-02', blocked_slots: [5, 3, 5] }, availability);
    expect(availability.blocked).toEqual([{ userId: 'id-ann', date: '2030-06-02', hours: [5, 3] }]);
    expect(day).toMatchObject({ id: 'day-1', user: ann, date: '2030-06-02', blocked_slots: [3, 5] });
  });

  it('accepts hours written as strings holding integers', async () => {
    const availability = new MemoryAvailability();
    await block({ date: '2030-06-02', blocked_slots: ['7', ' 8 ', '12', 0, 23] }, availability);
    expect(availability.blocked[0]?.hours).toEqual([7, 8, 12, 0, 23]);
  });

  it('accepts today in the service zone', async () => {
    const availability = new MemoryAvailability();
    await block({ date: '2030-06-02', blocked_slots: [23] }, availability, 'Asia/Kolkata');
    expect(availability.blocked).toHaveLength(1);
  });

  it('refuses a date before today in the service zone', async () => {
    await expectRejection(
      block({ date: '2030-06-01', blocked_slots: [23] }, new MemoryAvailability(), 'Asia/Kolkata'),
      BusinessRuleViolation,
      "Slots can't be defined for past date",
    );
  });

  it.each([
    [{ blocked_slots: [1] }, { date: ['This field is required.'] }],
    [{ date: null, blocked_slots: [1] }, { date: ['This field may not be null.'] }],
    [{ date: 20300602, blocked_slots: [1] }, { date: [dateMessages.format] }],
    [{ date: '2030-02-30', blocked_slots: [1] }, { date: [dateMessages.format] }],
    [{ date: '2030-06-02' }, { blocked_slots: ['This field is required.'] }],
    [{ date: '2030-06-02', blocked_slots: null }, { blocked_slots: ['This field may not be null.'] }],
    [{ date: '2030-06-02', blocked_slots: 5 }, { blocked_slots: ['Expected a list of items.'] }],
    [{ date: '2030-06-02', blocked_slots: [] }, { blocked_slots: ['This list may not be empty.'] }],
  ])('refuses %j', async (body, fields) => {
    expect(await fieldsOf(block(body))).toEqual(fields);
  });

  it('refuses more than 96 hours in one request', async () => {
    expect(await fieldsOf(block({ date: '2030-06-02', blocked_slots: Array.from({ length: 97 }, () => 1) }))).toEqual({
      blocked_slots: ['Ensure this field has no more than 96 elements.'],
    });
  });

  it('accepts 96 hours in one request', async () => {
    const availability = new MemoryAvailability();
    await block({ date: '2030-06-02', blocked_slots: Array.from({ length: 96 }, (_, index) => index % 24) }, availability);
    expect(availability.blocked[0]?.hours).toHaveLength(24);
  });

  it.each([
    [-1, 'Ensure this value is greater than or equal to 0.'],
    ['-1', 'Ensure this value is greater than or equal to 0.'],
    [24, 'Ensure this value is less than or equal to 23.'],
    [1.5, 'A valid integer is required.'],
    ['1.5', 'A valid integer is required.'],
    ['x1', 'A valid integer is required.'],
    ['1x', 'A valid integer is required.'],
    ['1e1', 'A valid integer is required.'],
    ['0x5', 'A valid integer is required.'],
    ['', 'A valid integer is required.'],
    [true, 'A valid integer is required.'],
    [null, 'A valid integer is required.'],
  ])('refuses the hour %j', async (hour, message) => {
    expect(await fieldsOf(block({ date: '2030-06-02', blocked_slots: [hour] }))).toEqual({ blocked_slots: [message] });
  });

  it('names a repeated problem once', async () => {
    expect(await fieldsOf(block({ date: '2030-06-02', blocked_slots: [-1, -2, 30] }))).toEqual({
      blocked_slots: ['Ensure this value is greater than or equal to 0.', 'Ensure this value is less than or equal to 23.'],
    });
  });
});

describe('reading availability', () => {
  async function world() {
    const users = new MemoryUsers();
    await users.create(person('bob'));
    const availability = new MemoryAvailability();
    availability.days.set('id-bob#2030-06-02', { record, slots: [{ hour: 9, kind: 'blocked' }] });
    availability.days.set('id-ann#2030-06-02', { slots: [{ hour: 10, kind: 'meeting', meetingId: 'm' }] });
    const read = (query: Record<string, string | undefined>) => getAvailability(query, { availability, users, caller: ann });
    return { read };
  }

  it("reads the caller's own day by default", async () => {
    const { read } = await world();
    expect(await read({ date: '2030-06-02' })).toMatchObject({ user: ann, blocked_slots: [10], id: null });
  });

  it("reads the caller's own day when the user is empty", async () => {
    const { read } = await world();
    expect(await read({ date: '2030-06-02', user: '  ' })).toMatchObject({ user: ann, blocked_slots: [10] });
  });

  it("reads another user's day by their email, in any case and padding", async () => {
    const { read } = await world();
    const day = await read({ date: '2030-06-02', user: ' Bob@Example.com ' });
    expect(day).toMatchObject({ user: { id: 'id-bob', username: 'bob', email: 'bob@example.com' }, blocked_slots: [9], id: 'day-1' });
  });

  it('reads past dates too', async () => {
    const { read } = await world();
    expect(await read({ date: '2000-01-01' })).toMatchObject({ date: '2000-01-01', blocked_slots: [] });
  });

  it('refuses an email that names no user', async () => {
    const { read } = await world();
    const error = await expectRejection(
      read({ date: '2030-06-02', user: 'nobody@example.com' }),
      ValidationFailed,
      'user: Invalid email "nobody@example.com" - object does not exist.',
    );
    expect(error.fields).toEqual({ user: ['Invalid email "nobody@example.com" - object does not exist.'] });
  });

  it('refuses a user longer than any email', async () => {
    const { read } = await world();
    expect(await fieldsOf(read({ date: '2030-06-02', user: `${'a'.repeat(250)}@x.io` }))).toEqual({
      user: ['Ensure this field has no more than 254 characters.'],
    });
  });

  it.each([
    [{}, 'This field is required.'],
    [{ date: '2030-6-2' }, dateMessages.format],
  ])('refuses the query %j', async (query, message) => {
    const { read } = await world();
    expect(await fieldsOf(read(query))).toEqual({ date: [message] });
  });
});

describe('reading a range of dates', () => {
  async function world() {
    const users = new MemoryUsers();
    await users.create(person('bob'));
    const availability = new MemoryAvailability();
    availability.days.set('id-ann#2030-06-02', { record, slots: [{ hour: 9, kind: 'blocked' }] });
    availability.days.set('id-ann#2030-06-04', { slots: [{ hour: 10, kind: 'meeting', meetingId: 'm' }] });
    availability.days.set('id-bob#2030-06-03', { record, slots: [{ hour: 7, kind: 'blocked' }] });
    const read = (query: Record<string, string | undefined>) => getAvailability(query, { availability, users, caller: ann });
    return { read, availability };
  }

  it('answers one day object per date, in order, from one read of the range', async () => {
    const { read, availability } = await world();
    const days = await read({ from: '2030-06-01', to: '2030-06-04' });
    expect(days).toMatchObject([
      { date: '2030-06-01', blocked_slots: [], id: null, user: ann },
      { date: '2030-06-02', blocked_slots: [9], id: 'day-1' },
      { date: '2030-06-03', blocked_slots: [] },
      { date: '2030-06-04', blocked_slots: [10], id: null },
    ]);
    expect(availability.ranges).toEqual([['id-ann', '2030-06-01', '2030-06-04']]);
  });

  it("reads another user's range by email", async () => {
    const { read } = await world();
    expect(await read({ from: '2030-06-03', to: '2030-06-03', user: 'bob@example.com' })).toMatchObject([
      { date: '2030-06-03', blocked_slots: [7], user: { id: 'id-bob' } },
    ]);
  });

  it('reads 31 dates, across a month and a year', async () => {
    const { read } = await world();
    const days = (await read({ from: '2030-12-15', to: '2031-01-14' })) as { date: string }[];
    expect(days.map((day) => day.date)).toHaveLength(31);
    expect(days.map((day) => day.date).slice(15, 18)).toEqual(['2030-12-30', '2030-12-31', '2031-01-01']);
  });

  it.each([
    [{ from: '2030-06-01', to: '2030-07-02' }, { to: [rangeMessages.tooLong(31)] }],
    [{ from: '2030-06-02', to: '2030-06-01' }, { to: [rangeMessages.toBeforeFrom] }],
    [{ from: '2030-06-01' }, { to: ['This field is required.'] }],
    [{ to: '2030-06-01' }, { from: ['This field is required.'] }],
    [
      { from: '2030-6-1', to: 'x' },
      { from: [dateMessages.format], to: [dateMessages.format] },
    ],
    [{ date: '2030-06-01', from: '2030-06-01', to: '2030-06-02' }, { date: [rangeMessages.dateWithRange] }],
    [{ date: '2030-06-01', to: '2030-06-02' }, { date: [rangeMessages.dateWithRange] }],
  ])('refuses the query %j', async (query, fields) => {
    const { read } = await world();
    expect(await fieldsOf(read(query))).toEqual(fields);
  });
});

describe('unblocking hours', () => {
  const world = () => {
    const availability = new MemoryAvailability();
    availability.days.set('id-ann#2030-06-02', {
      record: { ...record, version: 1 },
      slots: [
        { hour: 9, kind: 'blocked' },
        { hour: 10, kind: 'blocked' },
        { hour: 11, kind: 'meeting', meetingId: 'm' },
      ],
    });
    const unblock = (body: unknown, at = now) => unblockSlots(body, { availability, caller: ann, zone: 'UTC', now: at });
    return { availability, unblock };
  };

  it('removes the hours from the blocks, ignoring hours not blocked and leaving meetings', async () => {
    const { availability, unblock } = await world();
    const day = await unblock({ date: '2030-06-02', unblocked_slots: [9, 11, 12, '9'] });
    expect(day).toMatchObject({ date: '2030-06-02', blocked_slots: [10, 11] });
    expect(availability.writes).toEqual([{ date: '2030-06-02', hours: [10] }]);
  });

  it('writes nothing when no hour was blocked', async () => {
    const { availability, unblock } = await world();
    expect(await unblock({ date: '2030-06-02', unblocked_slots: [11, 12] })).toMatchObject({ blocked_slots: [9, 10, 11] });
    expect(availability.writes).toEqual([]);
  });

  it('refuses a past date', async () => {
    const { unblock } = await world();
    await expectRejection(
      unblock({ date: '2030-05-31', unblocked_slots: [9] }),
      BusinessRuleViolation,
      "Slots can't be defined for past date",
    );
  });

  it.each([
    [{ date: '2030-06-02', unblocked_slots: [] }, { unblocked_slots: ['This list may not be empty.'] }],
    [{ date: '2030-06-02' }, { unblocked_slots: ['This field is required.'] }],
    [{ unblocked_slots: [24] }, { date: ['This field is required.'], unblocked_slots: ['Ensure this value is less than or equal to 23.'] }],
  ])('refuses the body %j', async (body, fields) => {
    const { unblock } = await world();
    expect(await fieldsOf(unblock(body))).toEqual(fields);
  });

  it('works the change out again when the day changed between its read and its write', async () => {
    const { availability, unblock } = await world();
    let concurrent = 1;
    availability.beforeWrite = () => {
      if (concurrent-- > 0) return availability.blockHours(ann, '2030-06-02', [15]);
    };
    expect(await unblock({ date: '2030-06-02', unblocked_slots: [9] })).toMatchObject({ blocked_slots: [10, 11, 15] });
    expect(availability.writes).toEqual([{ date: '2030-06-02', hours: [10, 15] }]);
  });

  it('gives up, changing nothing, when the day keeps changing', async () => {
    const { availability, unblock } = await world();
    availability.beforeWrite = () => availability.blockHours(ann, '2030-06-02', [15]);
    await expectRejection(
      unblock({ date: '2030-06-02', unblocked_slots: [9] }),
      TemporarilyUnavailable,
      'The service is busy; nothing was changed. Retry shortly.',
    );
    expect(availability.writes).toEqual([]);
    expect(availability.blocked).toHaveLength(BLOCK_CHANGE_ATTEMPTS);
  });
});

describe("replacing a day's blocks", () => {
  const world = () => {
    const availability = new MemoryAvailability();
    availability.days.set('id-ann#2030-06-02', {
      record: { ...record, version: 3 },
      slots: [
        { hour: 9, kind: 'blocked' },
        { hour: 11, kind: 'meeting', meetingId: 'm' },
      ],
    });
    const replace = (date: string, body: unknown) => replaceBlocks(date, body, { availability, caller: ann, zone: 'UTC', now });
    return { availability, replace };
  };

  it('makes the blocks exactly the list, keeping meetings', async () => {
    const { availability, replace } = await world();
    expect(await replace('2030-06-02', { blocked_slots: [14, 13, 13] })).toMatchObject({ blocked_slots: [11, 13, 14] });
    expect(availability.writes).toEqual([{ date: '2030-06-02', hours: [13, 14] }]);
  });

  it('empties the blocks with an empty list', async () => {
    const { replace } = await world();
    expect(await replace('2030-06-02', { blocked_slots: [] })).toMatchObject({ blocked_slots: [11] });
  });

  it('is idempotent: the same list again writes nothing', async () => {
    const { availability, replace } = await world();
    expect(await replace('2030-06-02', { blocked_slots: [9] })).toMatchObject({ blocked_slots: [9, 11] });
    expect(availability.writes).toEqual([]);
  });

  it('blocks a date with nothing defined yet', async () => {
    const { replace } = await world();
    expect(await replace('2030-06-05', { blocked_slots: [8] })).toMatchObject({ date: '2030-06-05', blocked_slots: [8], id: 'day-1' });
  });

  it("refuses an hour of the caller's meeting, naming the earliest, changing nothing", async () => {
    const { availability, replace } = await world();
    await expectRejection(
      replace('2030-06-02', { blocked_slots: [20, 11] }),
      BusinessRuleViolation,
      'There is already an event booked at time slot : 11',
    );
    expect(availability.writes).toEqual([]);
  });

  it.each([
    ['2030-06-02', {}, { blocked_slots: ['This field is required.'] }],
    ['2030-6-2', { blocked_slots: [1] }, { date: [dateMessages.format] }],
    ['2030-06-02', { blocked_slots: 'x' }, { blocked_slots: ['Expected a list of items.'] }],
  ])('refuses the date %s with the body %j', async (date, body, fields) => {
    const { replace } = await world();
    expect(await fieldsOf(replace(date, body))).toEqual(fields);
  });

  it('refuses a past date', async () => {
    const { replace } = await world();
    await expectRejection(replace('2030-05-31', { blocked_slots: [] }), BusinessRuleViolation, "Slots can't be defined for past date");
  });
});
