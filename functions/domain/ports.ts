/**
 * What the domain needs from storage. `store/` implements these with DynamoDB; the
 * domain never knows keys, tables or the SDK.
 */
import type { PublicUser, UserRecord } from './users';

export interface UserStore {
  /**
   * Stores a new user, claiming its username and email (case-insensitively) in the same
   * atomic write. Throws ValidationFailed on the field already taken.
   */
  create(user: UserRecord): Promise<void>;
  /** The user with this username, compared case-insensitively. */
  findByUsername(username: string): Promise<UserRecord | undefined>;
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
}
