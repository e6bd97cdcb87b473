/** In-memory stand-ins for the storage ports, for domain unit tests only. */
import { ConcurrentModification, HourAlreadyBooked } from '../../functions/domain/errors';
import type { Meeting } from '../../functions/domain/meetings';
import type {
  AvailabilityStore,
  DayState,
  AttemptBudget,
  AttemptLimiter,
  CredentialGrant,
  CredentialStore,
  MeetingPage,
  MeetingStore,
  StoredSession,
  StoredToken,
  UserStore,
} from '../../functions/domain/ports';
import type { PublicUser, UserRecord } from '../../functions/domain/users';

export class MemoryCredentials implements CredentialStore {
  readonly grants: CredentialGrant[] = [];
  readonly tokens = new Map<string, StoredToken>();
  readonly sessions = new Map<string, StoredSession>();

  /** What each save was asked to refund, in order. */
  readonly refunds: Parameters<CredentialStore['save']>[1]['refund'][] = [];

  async save(grant: CredentialGrant, options: Parameters<CredentialStore['save']>[1]) {
    this.grants.push(grant);
    this.refunds.push(options.refund);
    this.tokens.set(grant.tokenHash, { user: grant.user, expiresAt: grant.tokenExpiresAt });
    this.sessions.set(grant.sessionHash, {
      user: grant.user,
      csrfHash: grant.csrfHash,
      sealedToken: grant.sealedToken,
      expiresAt: grant.sessionExpiresAt,
    });
  }
  async findToken(hash: string) {
    return this.tokens.get(hash);
  }
  async findSession(hash: string) {
    return this.sessions.get(hash);
  }
  async renewToken(hash: string, _userId: string, expiresAt: number) {
    const token = this.tokens.get(hash);
    if (token) this.tokens.set(hash, { ...token, expiresAt });
  }
  async revokeAll(userId: string) {
    for (const [hash, token] of this.tokens) if (token.user.id === userId) this.tokens.delete(hash);
    for (const [hash, session] of this.sessions) if (session.user.id === userId) this.sessions.delete(hash);
  }
}

export class MemoryUsers implements UserStore {
  readonly users: UserRecord[] = [];
  /** The skeleton each user was created with. */
  readonly skeletons: string[] = [];
  async create(user: UserRecord, skeleton = '') {
    this.users.push(user);
    this.skeletons.push(skeleton);
  }
  async findByUsername(username: string) {
    return this.users.find((user) => user.username.toLowerCase() === username.toLowerCase());
  }
  /** Every findByEmails call's emails, in order. */
  readonly lookups: string[][] = [];
  async findByEmails(emails: readonly string[]) {
    this.lookups.push([...emails]);
    const found = new Map<string, PublicUser>();
    for (const email of emails) {
      const user = this.users.find((candidate) => candidate.email === email.toLowerCase());
      if (user) found.set(user.email, { id: user.id, username: user.username, email: user.email });
    }
    return found;
  }
}

export const person = (name: string): UserRecord => ({
  id: `id-${name}`,
  username: name,
  email: `${name}@example.com`,
  passwordHash: 'unused',
  created: '2030-01-01T00:00:00.000Z',
});

/** Meetings by id; keeps every replacement it was asked for. */
export class MemoryMeetings implements MeetingStore {
  readonly meetings = new Map<string, Meeting>();
  readonly replaced: [Meeting, Meeting][] = [];
  /** The budgets each create was asked to spend with its meeting. */
  readonly spent: (readonly AttemptBudget[])[] = [];
  async create(meeting: Meeting, spend?: { budgets: readonly AttemptBudget[]; now: Date }) {
    this.meetings.set(meeting.id, meeting);
    this.spent.push(spend?.budgets ?? []);
    return meeting;
  }
  /** Every id get was asked for. */
  readonly asked: string[] = [];
  async get(id: string) {
    this.asked.push(id);
    return this.meetings.get(id);
  }
  async replace(before: Meeting, after: Meeting) {
    this.replaced.push([before, after]);
    this.meetings.set(after.id, after);
  }
  async page(): Promise<MeetingPage> {
    return { meetings: [], hasNext: false, hasPrevious: false };
  }
  async count() {
    return 0;
  }
  async inRange() {
    return { meetings: [], complete: true };
  }
}

/**
 * A limiter that keeps what it was asked to spend and record, answers a set Retry-After
 * (undefined: spent), and reports `failures` attempts spent on any budget.
 */
export class RecordingLimiter implements AttemptLimiter {
  readonly spends: { budgets: readonly AttemptBudget[]; now: Date }[] = [];
  readonly recorded: { budget: AttemptBudget; now: Date }[] = [];
  constructor(
    private readonly retryAfter?: number,
    private readonly failures = 0,
  ) {}
  async spend(budgets: readonly AttemptBudget[], now: Date) {
    this.spends.push({ budgets, now });
    return this.retryAfter;
  }
  async spent() {
    return this.failures;
  }
  async record(budget: AttemptBudget, now: Date) {
    this.recorded.push({ budget, now });
  }
}

/**
 * Days by user and date. Blocking adds blocked hours and the day's record (`record`);
 * `setBlocks` holds the store's rules: it applies only to the day's version as read, and
 * refuses to block an hour a meeting holds. `beforeWrite` runs before each `setBlocks`
 * (a concurrent writer can slip in there).
 */
export class MemoryAvailability implements AvailabilityStore {
  readonly days = new Map<string, DayState>();
  readonly blocked: { userId: string; date: string; hours: readonly number[] }[] = [];
  readonly writes: { date: string; hours: readonly number[] }[] = [];
  readonly ranges: [string, string, string][] = [];
  beforeWrite?: () => Promise<void> | void;
  constructor(private readonly record = { id: 'day-1', created: '2030-05-01T08:00:00.000Z', modified: '2030-05-02T09:30:15.250Z' }) {}
  async getDay(userId: string, date: string): Promise<DayState> {
    return structuredClone(this.days.get(`${userId}#${date}`) ?? { slots: [] });
  }
  async getDays(userId: string, from: string, to: string): Promise<Map<string, DayState>> {
    this.ranges.push([userId, from, to]);
    const days = new Map<string, DayState>();
    for (const [key, day] of this.days) {
      const [owner, date] = key.split('#') as [string, string];
      if (owner === userId && date >= from && date <= to) days.set(date, structuredClone(day));
    }
    return days;
  }
  async blockHours(owner: PublicUser, date: string, hours: readonly number[]) {
    const userId = owner.id;
    this.blocked.push({ userId, date, hours });
    const day = await this.getDay(userId, date);
    const version = (day.record?.version ?? 0) + 1;
    this.days.set(`${userId}#${date}`, {
      record: { ...this.record, version },
      slots: [
        ...day.slots,
        ...hours.filter((hour) => !day.slots.some((slot) => slot.hour === hour)).map((hour) => ({ hour, kind: 'blocked' as const })),
      ],
    });
  }
  async setBlocks(owner: PublicUser, date: string, before: DayState, hours: readonly number[]) {
    await this.beforeWrite?.();
    const day = await this.getDay(owner.id, date);
    if (day.record?.version !== before.record?.version) throw new ConcurrentModification();
    const held = hours.find((hour) => day.slots.some((slot) => slot.hour === hour && slot.kind === 'meeting'));
    if (held !== undefined) throw new HourAlreadyBooked(held);
    this.writes.push({ date, hours });
    this.days.set(`${owner.id}#${date}`, {
      record: { ...this.record, version: (day.record?.version ?? 0) + 1 },
      slots: [...day.slots.filter((slot) => slot.kind === 'meeting'), ...hours.map((hour) => ({ hour, kind: 'blocked' as const }))],
    });
  }
}
