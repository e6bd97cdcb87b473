/** In-memory stand-ins for the storage ports, for domain unit tests only. */
import type { CredentialGrant, CredentialStore, StoredSession, StoredToken, UserStore } from '../../functions/domain/ports';
import type { PublicUser, UserRecord } from '../../functions/domain/users';

export class MemoryCredentials implements CredentialStore {
  readonly grants: CredentialGrant[] = [];
  readonly tokens = new Map<string, StoredToken>();
  readonly sessions = new Map<string, StoredSession>();

  async save(grant: CredentialGrant) {
    this.grants.push(grant);
    this.tokens.set(grant.tokenHash, { user: grant.user, expiresAt: grant.tokenExpiresAt });
    this.sessions.set(grant.sessionHash, { user: grant.user, csrfHash: grant.csrfHash, sealedToken: grant.sealedToken, expiresAt: grant.sessionExpiresAt });
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
  async create(user: UserRecord) {
    this.users.push(user);
  }
  async findByUsername(username: string) {
    return this.users.find((user) => user.username.toLowerCase() === username.toLowerCase());
  }
  async findByEmails(emails: readonly string[]) {
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
