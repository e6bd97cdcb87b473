/**
 * Every key of the single table is built here; nothing else knows their formats.
 * See store/README.md for the access patterns they serve.
 */
export interface Key {
  pk: string;
  sk: string;
}

export const keys = {
  user: (userId: string): Key => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  /** Claims a username (case-insensitively) and serves login lookups. */
  username: (username: string): Key => ({ pk: `USERNAME#${username.toLowerCase()}`, sk: 'GUARD' }),
  /** Claims an email (case-insensitively) and resolves emails to users. */
  email: (email: string): Key => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'GUARD' }),
  token: (tokenHash: string): Key => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' }),
  session: (sessionHash: string): Key => ({ pk: `SESSION#${sessionHash}`, sk: 'SESSION' }),
  /** A user's pointer to one of their tokens or sessions, so logout can find them all. */
  credentialPointer: (userId: string, kind: 'TOKEN' | 'SESSION', hash: string): Key => ({
    pk: `USER#${userId}`,
    sk: `AUTH#${kind}#${hash}`,
  }),
  credentialPointerPrefix: 'AUTH#',
} as const;
