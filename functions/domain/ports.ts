/**
 * What the domain needs from storage. `store/` implements these with DynamoDB; the
 * domain never knows keys, tables or the SDK.
 */
import type { Meeting } from './meetings';
import type { PublicUser, UserRecord } from './users';

export interface UserStore {
  /**
   * Stores a new user, claiming its username and email (case-insensitively) in the same
   * atomic write. Throws ValidationFailed on the field already taken.
   */
  create(user: UserRecord): Promise<void>;
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
  /** Present once the user has blocked something on that date. */
  record?: { id: string; created: string; modified: string };
  slots: TakenHour[];
}

export interface AvailabilityStore {
  getDay(userId: string, date: string): Promise<DayState>;
  /**
   * Blocks the hours (keeping earlier blocks) in one atomic write. Throws
   * HourAlreadyBooked, blocking nothing, when one of them holds an active meeting.
   */
  blockHours(userId: string, date: string, hours: readonly number[], now: Date): Promise<void>;
}

export interface MeetingStore {
  /**
   * Stores the meeting and takes every participant's hour atomically. Throws
   * SlotUnavailable or SlotConflict for the first participant whose hour is blocked or
   * booked, writing nothing.
   */
  create(meeting: Meeting): Promise<void>;
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
}

export interface StoredSession {
  user: PublicUser;
  csrfHash: string;
  sealedToken: string;
  expiresAt: number;
}

export interface CredentialStore {
  save(grant: CredentialGrant): Promise<void>;
  findToken(tokenHash: string): Promise<PublicUser | undefined>;
  findSession(sessionHash: string): Promise<StoredSession | undefined>;
  /** Revokes every token and session of the user. */
  revokeAll(userId: string): Promise<void>;
}

export interface Stores {
  users: UserStore;
  credentials: CredentialStore;
  availability: AvailabilityStore;
  meetings: MeetingStore;
}
