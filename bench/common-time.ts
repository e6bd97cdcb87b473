/**
 * A group's common free time (GET /api/availability/common/) for groups of 2, 10 and 50
 * people over 14 dates, where everyone has blocks and meetings in the range, so each
 * person's query returns real items. Each person's range is one DynamoDB Query and they run
 * side by side (at most 25 at once): the figures show whether latency stays flat as the
 * group grows.
 */
import { type Account, type Api, dayFromNow } from './http-scenarios';
import { inBatches, type LoadResult, type Operation, runLoad, timed } from './load';

export const GROUP_SIZES = [2, 10, 50];
export const COMMON_DATES = 14;
/** The range starts this many days ahead: every hour of it is in the future. */
const FIRST_DAY = 40;
/** Blocks take hours of the morning, meetings hours of the afternoon: they never collide. */
const BLOCK_HOURS = (person: number) => [6 + (person % 3), 9 + (person % 2), 11];
const MEETING_HOUR = (person: number) => 13 + (person % 8);

export interface CommonTimeResult {
  users: number;
  concurrency: number;
  result: LoadResult;
  /** Of the range's hours, how many the group has in common (the rest someone has taken). */
  commonHours: number;
  hours: number;
}

export interface CommonTimeRun {
  date: string;
  from: string;
  to: string;
  dates: number;
  secondsPerMeasurement: number;
  warmUpSeconds: number;
  results: CommonTimeResult[];
}

export interface CommonTimeGroup {
  /** The caller (first) and everyone else, enough for the largest group. */
  people: Account[];
  dates: string[];
}

/**
 * Signs up the largest group's people, then gives each some blocks (on about a third of
 * the dates) and a meeting with the next two people as guests (on its own date, so no
 * one's meetings collide). Every person ends up with blocks on 4-5 dates and three meetings
 * (its own and two as a guest) in the range.
 */
export async function prepareGroup(api: Api, progress: (text: string) => void): Promise<CommonTimeGroup> {
  const size = Math.max(...GROUP_SIZES);
  const dates = Array.from({ length: COMMON_DATES }, (_, day) => dayFromNow(FIRST_DAY + day));
  const people: Account[] = [];
  await inBatches(
    Array.from({ length: size }, (_, person) => person),
    8,
    async (person) => {
      people[person] = await api.account(person === 0 ? 'common-caller' : 'common');
      progress(`common free time: signing up ${people.filter(Boolean).length}/${size} people`);
    },
  );
  // Date by date, so the blocks written side by side are different people's.
  const blocks = dates.flatMap((date, day) =>
    people.flatMap((account, person) => ((day + person) % 3 === 0 ? [{ account, person, date }] : [])),
  );
  let blocked = 0;
  await inBatches(blocks, 8, async ({ account, person, date }) => {
    const answer = await api.send('POST', '/api/user/block_slots/', { date, blocked_slots: BLOCK_HOURS(person) }, account.token);
    if (answer.status !== 200) throw new Error(`common free time: blocking ${date} for person ${person}: ${answer.status} ${answer.text}`);
    progress(`common free time: blocks ${++blocked}/${blocks.length}`);
  });
  // One at a time (50 requests): each person is a guest of the two before it, so no two bookings race over a calendar.
  for (const [person, organiser] of people.entries()) {
    const guests = [people[(person + 1) % size]!, people[(person + 2) % size]!];
    const hour = String(MEETING_HOUR(person)).padStart(2, '0');
    const body = {
      title: 'Common',
      description: '',
      time_slot: `${dates[person % COMMON_DATES]} ${hour}:00:00`,
      participants: guests.map((guest) => guest.email),
    };
    const answer = await api.send('POST', '/api/event/', body, organiser.token);
    if (answer.status !== 201) throw new Error(`common free time: booking for person ${person}: ${answer.status} ${answer.text}`);
    progress(`common free time: meetings ${person + 1}/${size}`);
  }
  return { people, dates };
}

function path(group: CommonTimeGroup, users: number): string {
  const others = group.people.slice(1, users).map((person) => encodeURIComponent(person.email));
  return `/api/availability/common/?users=${others.join(',')}&from=${group.dates[0]}&to=${group.dates.at(-1)}`;
}

/** The caller asks for the common free time of the first `users` people (itself included). */
export function commonTimeOperation(api: Api, group: CommonTimeGroup, users: number): Operation {
  const request = path(group, users);
  const caller = group.people[0]!;
  return () =>
    timed(async () => {
      const answer = await api.send('GET', request, undefined, caller.token);
      if (answer.status !== 200) throw new Error(`common free time of ${users}: ${answer.status} ${answer.text.slice(0, 200)}`);
      return { ok: true, calls: answer.calls, readUnits: answer.readUnits, writeUnits: answer.writeUnits };
    });
}

/** One checked request: the whole group answered, and someone's reads returned taken hours. */
async function check(api: Api, group: CommonTimeGroup, users: number): Promise<{ commonHours: number; hours: number }> {
  const answer = await api.send('GET', path(group, users), undefined, group.people[0]!.token);
  if (answer.status !== 200) throw new Error(`common free time of ${users}: ${answer.status} ${answer.text.slice(0, 200)}`);
  const body = JSON.parse(answer.text) as { users: string[]; common: string[]; best: { busy: string[] }[] };
  const hours = COMMON_DATES * 24;
  if (body.users.length !== users) throw new Error(`common free time of ${users}: answered for ${body.users.length} people`);
  if (body.common.length >= hours) throw new Error(`common free time of ${users}: no hour taken, the reads returned nothing`);
  return { commonHours: body.common.length, hours };
}

/**
 * A warm-up round (one checked request per group size, then every group size at every
 * concurrency for `warmUpSeconds`, not kept), then each group size at each concurrency for
 * `seconds`. Errors are counted, as in the other measurements, not fatal.
 */
export async function measureCommonTime(
  api: Api,
  group: CommonTimeGroup,
  options: { concurrency: number[]; seconds: number; warmUpSeconds: number; progress: (text: string) => void },
): Promise<CommonTimeRun> {
  const checked = new Map<number, { commonHours: number; hours: number }>();
  for (const users of GROUP_SIZES) {
    options.progress(`common free time: warm-up, ${users} people`);
    checked.set(users, await check(api, group, users));
    for (const concurrency of options.concurrency)
      await runLoad(commonTimeOperation(api, group, users), concurrency, options.warmUpSeconds);
  }
  const results: CommonTimeResult[] = [];
  for (const users of GROUP_SIZES) {
    for (const concurrency of options.concurrency) {
      options.progress(`common free time: ${users} people at concurrency ${concurrency}`);
      const result = await runLoad(commonTimeOperation(api, group, users), concurrency, options.seconds);
      results.push({ users, concurrency, result, ...checked.get(users)! });
    }
  }
  return {
    date: new Date().toISOString(),
    from: group.dates[0]!,
    to: group.dates.at(-1)!,
    dates: group.dates.length,
    secondsPerMeasurement: options.seconds,
    warmUpSeconds: options.warmUpSeconds,
    results,
  };
}
