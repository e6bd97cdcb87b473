/**
 * What the domain needs from storage. `store/` implements these with DynamoDB; the
 * domain never knows keys, tables or the SDK.
 */
import type { Meeting, MeetingStatus } from './model';
import type { PublicUser, UserRecord } from './users';
import type { WebhookStore } from './webhooks';

export interface UserStore {
  /**
   * Stores a new user, claiming its username and email (case-insensitively) and the
   * username's skeleton (see `usernameSkeleton`) in the same atomic write. Throws
   * ValidationFailed on the field already taken.
   */
  create(user: UserRecord, skeleton: string): Promise<void>;
  /** The user with this username, compared case-insensitively. */
  findByUsername(username: string): Promise<UserRecord | undefined>;
  /** The users with these emails, keyed by lower-cased email; unknown emails are absent. */
  findByEmails(emails: readonly string[]): Promise<Map<string, PublicUser>>;
}

/** A taken hour of a user's day. */
export interface TakenHour {
  hour: number;
  kind: 'blocked' | 'meeting';
  meetingId?: string;
}

/** Everything known about one user's date. */
export interface DayState {
  /**
   * Present once the user has blocked something on that date. `version` counts its
   * writes (absent on a record written before it was counted).
   */
  record?: { id: string; created: string; modified: string; version?: number };
  slots: TakenHour[];
}

export interface AvailabilityStore {
  getDay(userId: string, date: string): Promise<DayState>;
  /** Every date from `from` to `to` (inclusive) in one query, by date; a date with nothing is absent. */
  getDays(userId: string, from: string, to: string): Promise<Map<string, DayState>>;
  /**
   * Makes the owner's blocks on the date exactly `hours`, in one atomic write that
   * applies only if the day has not been written since `before` was read (else
   * ConcurrentModification): hours no longer wanted are unblocked, new ones blocked if
   * free (HourAlreadyBooked, changing nothing, for one a meeting holds).
   */
  setBlocks(owner: PublicUser, date: string, before: DayState, hours: readonly number[], now: Date): Promise<void>;
  /**
   * Blocks the owner's hours (keeping earlier blocks) in one atomic write, which also
   * records the owner and the day's blocked hours for its change event. Throws
   * HourAlreadyBooked, blocking nothing, when one of them holds an active meeting.
   */
  blockHours(owner: PublicUser, date: string, hours: readonly number[], now: Date): Promise<void>;
}

/** Which of a user's meetings a listing shows: time slots from `from` to `to`, inclusive. */
export interface MeetingRange {
  userId: string;
  status?: MeetingStatus;
  /** Lowest time slot, `YYYY-MM-DD HH:00:00`. */
  from: string;
  /** Highest time slot; open-ended when absent. */
  to?: string;
  /** The filters as the caller gave them; a cursor is valid only under the same ones. */
  filters: string;
}

/** A page by position, or by an opaque cursor from an earlier page. */
export type PageRequest = { kind: 'offset'; offset: number; limit: number } | { kind: 'cursor'; cursor?: string; limit: number };

export interface MeetingPage {
  meetings: Meeting[];
  /** Cursors just before the first and just after the last meeting of the page. */
  before?: string;
  after?: string;
  /** Whether more meetings follow the page, and precede it. */
  hasNext: boolean;
  hasPrevious: boolean;
}

export interface MeetingStore {
  /**
   * Stores the meeting and takes every participant's hour atomically. Throws
   * SlotUnavailable or SlotConflict for the first participant whose hour is blocked or
   * booked, writing nothing. Answers the meeting stored: this one, or, when the
   * organiser's hour is held by a meeting an earlier attempt of the same client request
   * wrote (same `requestKey`), that one. Spends `spend.budgets` with it, throwing
   * Throttled past any of them: in the same transaction, all or nothing, where they fit;
   * otherwise (a booking of the most people) first, and then spent even if the booking is
   * refused.
   */
  create(meeting: Meeting, spend?: { budgets: readonly AttemptBudget[]; now: Date }): Promise<Meeting>;
  get(meetingId: string): Promise<Meeting | undefined>;
  /**
   * Replaces `before` by `after` in one atomic write: frees the hours `after` no longer
   * holds (only if they still belong to this meeting), takes the new ones under the
   * booking conditions, and applies only if the meeting is still at `before.version`.
   * Throws SlotUnavailable / SlotConflict, or ConcurrentModification, writing nothing.
   */
  replace(before: Meeting, after: Meeting): Promise<void>;
  /** One page of a user's meetings in time order. Throws NotFound for a bad cursor. */
  page(range: MeetingRange, request: PageRequest): Promise<MeetingPage>;
  count(range: MeetingRange): Promise<number>;
  /**
   * The first `max` meetings of the range in time order (all statuses unless the range
   * names one), by one paginated query and batched reads; `complete` when none was left out.
   */
  inRange(range: MeetingRange, max: number): Promise<{ meetings: Meeting[]; complete: boolean }>;
}

/** Calendar feeds, each found by the SHA-256 of its secret; a user has at most one. */
export interface CalendarFeedStore {
  /** Makes `secretHash` the owner's feed and ends the previous one, in one atomic write. */
  replace(owner: PublicUser, secretHash: string, now: Date): Promise<void>;
  /** Ends the owner's feed, if any. */
  revoke(ownerId: string): Promise<void>;
  /** The owner of the feed with this secret hash, if it is live. */
  ownerOf(secretHash: string): Promise<PublicUser | undefined>;
}

/** What a login grants: an API token and a browser session, both stored as hashes. */
export interface CredentialGrant {
  user: PublicUser;
  tokenHash: string;
  sessionHash: string;
  csrfHash: string;
  /** The API token sealed under the session id (see `secrets.seal`). */
  sealedToken: string;
  /** When the session ends, in epoch seconds. */
  sessionExpiresAt: number;
  /** When the API token ends unless renewed by use, in epoch seconds. */
  tokenExpiresAt: number;
  /** When the grant was made (orders a user's grants: the oldest are revoked first). */
  created: string;
}

/** A stored API token: whose it is and until when it lives. */
export interface StoredToken {
  user: PublicUser;
  expiresAt: number;
}

export interface StoredSession {
  user: PublicUser;
  csrfHash: string;
  sealedToken: string;
  expiresAt: number;
}

export interface CredentialStore {
  /**
   * Stores the grant in one atomic write, with `refund` (the attempts spent on this login,
   * given back) and, when the user would then hold more than `keepAtMost` live tokens (or
   * sessions), revoking the oldest.
   */
  save(
    grant: CredentialGrant,
    options: { refund?: { budgets: readonly AttemptBudget[]; now: Date }; keepAtMost: number; now: Date },
  ): Promise<void>;
  findToken(tokenHash: string): Promise<StoredToken | undefined>;
  /** Extends a live token's life to `expiresAt`; a token revoked meanwhile stays revoked. */
  renewToken(tokenHash: string, userId: string, expiresAt: number): Promise<void>;
  findSession(sessionHash: string): Promise<StoredSession | undefined>;
  /** Revokes every token and session of the user. */
  revokeAll(userId: string): Promise<void>;
}

/** A budget of attempts per key and fixed time window (e.g. logins per username). */
export interface AttemptBudget {
  key: string;
  limit: number;
  windowSeconds: number;
  /** Attempts one spend takes. @default 1 */
  cost?: number;
}

export interface AttemptLimiter {
  /**
   * Spends one attempt of every budget, atomically: all or none. Answers undefined when
   * spent, or the seconds until the first exhausted budget's window ends.
   */
  spend(budgets: readonly AttemptBudget[], now: Date): Promise<number | undefined>;
  /** How many attempts of the budget are spent in the window `now` falls in. */
  spent(budget: AttemptBudget, now: Date): Promise<number>;
  /** Counts one attempt against the budget, whatever its limit (a failure to remember). */
  record(budget: AttemptBudget, now: Date): Promise<void>;
}

export interface Stores {
  users: UserStore;
  credentials: CredentialStore;
  availability: AvailabilityStore;
  meetings: MeetingStore;
  limiter: AttemptLimiter;
  webhooks: WebhookStore;
  feeds: CalendarFeedStore;
}
