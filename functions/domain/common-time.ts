/**
 * Common free time of a group: the hours of a range free for every one of them, and the
 * best hours when none (or few) are, for people picking a time together.
 */
import * as z from 'zod/mini';
import { readDateRange } from './availability';
import { ValidationFailed, unknownEmail } from './errors';
import type { AvailabilityStore, UserStore } from './ports';
import { formatSlot, hasBegun, HOURS_OF_DAY, type Slot, slotExists } from './time';
import type { PublicUser } from './users';
import { messages } from './validation';

/** The most people one request compares, the caller included. */
export const MAX_GROUP = 50;
/** The most dates one request covers. */
export const MAX_COMMON_DATES = 14;
/** How many fallback hours `best` offers. */
export const BEST_COUNT = 10;
/** How many people's ranges are read at once. */
export const READS_AT_ONCE = 25;

/** One hour of the range: who is free and who is not, in the group's order. */
export interface HourChoice {
  time_slot: string;
  free: string[];
  busy: string[];
}

export interface CommonTime {
  users: string[];
  from: string;
  to: string;
  common: string[];
  best: HourChoice[];
}

/** Each person's taken hours (blocked or held by an active meeting), by date. */
export type TakenHours = ReadonlyMap<string, ReadonlySet<number>>;

/**
 * Ranks the hours of `dates` for a group, pure. Only hours that exist in the zone (not
 * skipped by a DST change) and have not begun count. `common`: every such hour free for
 * all, in time order. `best`: the `BEST_COUNT` such hours with the most free people, most
 * free first, then earliest.
 */
export function rankHours(
  group: readonly { email: string; taken: TakenHours }[],
  dates: readonly string[],
  clock: { zone: string; now: Date },
): Pick<CommonTime, 'common' | 'best'> {
  const choices: HourChoice[] = [];
  for (const date of dates) {
    for (const hour of HOURS_OF_DAY) {
      const slot: Slot = { date, hour };
      if (!slotExists(slot, clock.zone) || hasBegun(slot, clock.zone, clock.now)) continue;
      const isFree = (person: (typeof group)[number]) => !person.taken.get(date)?.has(hour);
      choices.push({
        time_slot: formatSlot(slot),
        free: group.filter(isFree).map((person) => person.email),
        busy: group.filter((person) => !isFree(person)).map((person) => person.email),
      });
    }
  }
  const common = choices.filter((choice) => choice.busy.length === 0).map((choice) => choice.time_slot);
  // A stable sort keeps time order among hours with as many free people.
  const best = [...choices].sort((a, b) => b.free.length - a.free.length).slice(0, BEST_COUNT);
  return { common, best };
}

/**
 * The query. Every field is required, but each is read on its own below so that all the
 * missing or bad ones are named at once, in the contract's words (`This field is required.`).
 */
export const querySchema = z.object({
  users: z.optional(z.string()),
  from: z.optional(z.string()),
  to: z.optional(z.string()),
});
/** The query fields a request cannot go without (all of them), for the API description. */
export const requiredQuery: readonly (keyof z.infer<typeof querySchema>)[] = ['users', 'from', 'to'];

/** The group's emails, in the order given, each once (case-insensitively), the caller's left out. */
function readEmails(value: string | undefined, caller: PublicUser): string[] {
  if (value === undefined || value.trim() === '') throw ValidationFailed.field('users', messages.required);
  const emails: string[] = [];
  const seen = new Set([caller.email.toLowerCase()]);
  for (const part of value.split(',')) {
    const email = part.trim();
    if (email === '') continue;
    if (email.length > 254) throw ValidationFailed.field('users', messages.maxLength(254));
    if (seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    emails.push(email);
  }
  if (emails.length + 1 > MAX_GROUP) throw ValidationFailed.field('users', messages.maxItems(MAX_GROUP));
  return emails;
}

/** Runs `task` over `items`, at most `limit` at once, keeping their order in the results. */
async function mapAtMost<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The common free time of the caller and others over a range of dates.
 * 1. Validate `users` (emails, comma-separated; the caller is always in the group, first;
 *    at most 50 people) and `from`/`to` (at most 14 dates).
 * 2. Resolve the emails in one batched read; the first unknown one is refused.
 * 3. Read each person's range in one query, side by side (at most `READS_AT_ONCE` at once).
 * 4. Rank the hours (`rankHours`).
 */
export async function findCommonTime(
  query: Record<string, string | undefined>,
  deps: { availability: AvailabilityStore; users: UserStore; caller: PublicUser; zone: string; now: Date },
): Promise<CommonTime> {
  const input = querySchema.parse(query);
  let emails: string[] | undefined;
  let dates: string[] | undefined;
  const fields: Record<string, string[]> = {};
  for (const read of [() => (emails = readEmails(input.users, deps.caller)), () => (dates = readDateRange(input, MAX_COMMON_DATES))]) {
    try {
      read();
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      Object.assign(fields, error.fields);
    }
  }
  if (Object.keys(fields).length > 0) throw new ValidationFailed(fields);
  const [others, range] = [emails!, dates!];

  const found = others.length > 0 ? await deps.users.findByEmails(others) : new Map<string, PublicUser>();
  const group = [deps.caller];
  for (const email of others) {
    const user = found.get(email.toLowerCase());
    if (!user) throw ValidationFailed.field('users', unknownEmail(email));
    group.push(user);
  }

  const from = range[0]!;
  const to = range.at(-1)!;
  const taken = await mapAtMost(group, READS_AT_ONCE, async (person) => {
    const days = await deps.availability.getDays(person.id, from, to);
    return new Map([...days].map(([date, day]) => [date, new Set(day.slots.map((slot) => slot.hour))]));
  });
  const ranked = rankHours(
    group.map((person, index) => ({ email: person.email, taken: taken[index]! })),
    range,
    { zone: deps.zone, now: deps.now },
  );
  return { users: group.map((person) => person.email), from, to, ...ranked };
}
