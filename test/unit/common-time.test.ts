import fc from 'fast-check';
import { BEST_COUNT, findCommonTime, MAX_GROUP, rankHours, type TakenHours } from '../../functions/domain/common-time';
import { ValidationFailed } from '../../functions/domain/errors';
import { expectRejection } from './expect-error';
import { MemoryAvailability, MemoryUsers, person } from './fakes';

const utc = { zone: 'UTC', now: new Date('2030-06-01T12:30:00Z') };
const taken = (byDate: Record<string, number[]>): TakenHours =>
  new Map(Object.entries(byDate).map(([date, hours]) => [date, new Set(hours)]));

describe('ranking the hours of a group', () => {
  it('lists the hours free for all, in time order, from the first that has not begun', () => {
    const group = [
      { email: 'ann@x.io', taken: taken({ '2030-06-01': [14, 15], '2030-06-02': [0] }) },
      { email: 'bob@x.io', taken: taken({ '2030-06-01': [16] }) },
    ];
    const { common } = rankHours(group, ['2030-06-01', '2030-06-02'], utc);
    expect(common.slice(0, 3)).toEqual(['2030-06-01 13:00:00', '2030-06-01 17:00:00', '2030-06-01 18:00:00']);
    expect(common).toContain('2030-06-02 01:00:00');
    expect(common).not.toContain('2030-06-02 00:00:00');
    expect(common).toHaveLength(11 - 3 + 23);
  });

  it('offers the best hours when none is free for all: most free first, then earliest, free and busy in the group order', () => {
    const allDay = Array.from({ length: 24 }, (_, hour) => hour);
    const group = [
      { email: 'ann@x.io', taken: taken({ '2030-06-02': allDay.filter((hour) => hour !== 9 && hour !== 10) }) },
      { email: 'bob@x.io', taken: taken({ '2030-06-02': allDay.filter((hour) => hour !== 10 && hour !== 11) }) },
      { email: 'cyd@x.io', taken: taken({ '2030-06-02': [10] }) },
    ];
    const { common, best } = rankHours(group, ['2030-06-02'], utc);
    expect(common).toEqual([]);
    expect(best.slice(0, 4)).toEqual([
      { time_slot: '2030-06-02 09:00:00', free: ['ann@x.io', 'cyd@x.io'], busy: ['bob@x.io'] },
      { time_slot: '2030-06-02 10:00:00', free: ['ann@x.io', 'bob@x.io'], busy: ['cyd@x.io'] },
      { time_slot: '2030-06-02 11:00:00', free: ['bob@x.io', 'cyd@x.io'], busy: ['ann@x.io'] },
      { time_slot: '2030-06-02 00:00:00', free: ['cyd@x.io'], busy: ['ann@x.io', 'bob@x.io'] },
    ]);
    expect(best).toHaveLength(BEST_COUNT);
  });

  it('skips the hour a DST change removes and shows a repeated hour once', () => {
    const zone = 'America/New_York';
    const now = new Date('2030-01-01T00:00:00Z');
    const spring = rankHours([{ email: 'a@x.io', taken: new Map() }], ['2030-03-10'], { zone, now }).common;
    expect(spring).toHaveLength(23);
    expect(spring).not.toContain('2030-03-10 02:00:00');
    const autumn = rankHours([{ email: 'a@x.io', taken: new Map() }], ['2030-11-03'], { zone, now }).common;
    expect(autumn).toHaveLength(24);
  });

  it('holds for any group and range (properties)', () => {
    const dates = ['2030-06-01', '2030-06-02', '2030-06-03'];
    const personArbitrary = fc.record({
      email: fc.emailAddress(),
      taken: fc.dictionary(fc.constantFrom(...dates), fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { maxLength: 24 })),
    });
    fc.assert(
      fc.property(fc.array(personArbitrary, { minLength: 1, maxLength: 8 }), (people) => {
        const group = people.map((one) => ({ email: one.email, taken: taken(one.taken) }));
        const { common, best } = rankHours(group, dates, utc);
        // Every common hour is free for all; every hour free for all is common.
        for (const slot of common) {
          for (const one of group) expect(one.taken.get(slot.slice(0, 10))?.has(Number(slot.slice(11, 13))) ?? false).toBe(false);
        }
        expect([...common].sort()).toEqual(common);
        // Best: at most ten, most free first then earliest, each person free or busy once.
        expect(best.length).toBeLessThanOrEqual(BEST_COUNT);
        for (let index = 1; index < best.length; index++) {
          const [before, after] = [best[index - 1]!, best[index]!];
          expect(
            before.free.length > after.free.length || (before.free.length === after.free.length && before.time_slot < after.time_slot),
          ).toBe(true);
        }
        for (const choice of best) expect(choice.free.length + choice.busy.length).toBe(group.length);
        // Every hour that has not begun and that nobody has taken is common.
        const future = dates
          .flatMap((date) => Array.from({ length: 24 }, (_, hour) => ({ date, hour })))
          .filter(({ date, hour }) => date > '2030-06-01' || hour >= 13);
        expect(common).toHaveLength(future.filter(({ date, hour }) => group.every((one) => !one.taken.get(date)?.has(hour))).length);
        // The hours free for all lead `best`.
        const firstBusy = best.findIndex((choice) => choice.busy.length > 0);
        if (firstBusy >= 0) expect(best.slice(firstBusy).every((choice) => choice.busy.length > 0)).toBe(true);
      }),
    );
  });
});

describe('finding the common time of a group', () => {
  async function world() {
    const users = new MemoryUsers();
    for (const name of ['ann', 'bob', 'cyd']) await users.create(person(name));
    const [ann] = users.users.map(({ id, username, email }) => ({ id, username, email }));
    const availability = new MemoryAvailability();
    const find = (query: Record<string, string | undefined>) =>
      findCommonTime(query, { availability, users, caller: ann!, zone: 'UTC', now: utc.now });
    return { users, availability, find, ann: ann! };
  }

  it('answers the group (caller first, each once), the range, common and best, reading each range once', async () => {
    const { find, availability, users } = await world();
    const bob = users.users[1]!;
    availability.days.set(`${bob.id}#2030-06-02`, { slots: [{ hour: 9, kind: 'blocked' }] });
    const answer = await find({
      users: ' BOB@example.com,cyd@example.com,,bob@example.com,ann@example.com ',
      from: '2030-06-02',
      to: '2030-06-03',
    });
    expect(answer.users).toEqual(['ann@example.com', 'bob@example.com', 'cyd@example.com']);
    expect([answer.from, answer.to]).toEqual(['2030-06-02', '2030-06-03']);
    expect(answer.common).toHaveLength(47);
    expect(answer.common).not.toContain('2030-06-02 09:00:00');
    expect(availability.ranges.map(([, from, to]) => [from, to])).toEqual([
      ['2030-06-02', '2030-06-03'],
      ['2030-06-02', '2030-06-03'],
      ['2030-06-02', '2030-06-03'],
    ]);
  });

  it('refuses the first unknown email with the contract message', async () => {
    const { find } = await world();
    const error = await expectRejection(
      find({ users: 'bob@example.com,nobody@example.com,ghost@example.com', from: '2030-06-02', to: '2030-06-02' }),
      ValidationFailed,
      'users: Invalid email "nobody@example.com" - object does not exist.',
    );
    expect(error.fields).toEqual({ users: ['Invalid email "nobody@example.com" - object does not exist.'] });
  });

  it.each([
    [{ from: '2030-06-02', to: '2030-06-02' }, { users: ['This field is required.'] }],
    [{ users: 'bob@example.com' }, { from: ['This field is required.'], to: ['This field is required.'] }],
    [{ users: 'bob@example.com', from: '2030-06-01', to: '2030-06-15' }, { to: ['Ensure the range has no more than 14 dates.'] }],
    [{ users: 'bob@example.com', from: '2030-06-03', to: '2030-06-02' }, { to: ['Ensure this date is not before from.'] }],
    [
      { users: Array.from({ length: MAX_GROUP }, (_, index) => `p${index}@example.com`).join(','), from: '2030-06-02', to: '2030-06-02' },
      { users: ['Ensure this field has no more than 50 elements.'] },
    ],
  ])('refuses the query %j', async (query, fields) => {
    const { find } = await world();
    const error = await find(query).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).fields).toEqual(fields);
  });
});
