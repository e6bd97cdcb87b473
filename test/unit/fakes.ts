/** In-memory stand-ins for the storage ports, for domain unit tests only. */
import type { Meeting } from '../../functions/domain/meetings';
import type {
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
  async create(meeting: Meeting) {
    this.meetings.set(meeting.id, meeting);
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
