/**
 * A login's credentials, found by the hash of their secret: the API token
 * (`TOKEN#<sha256>` / `TOKEN`), the browser session (`SESSION#<sha256>` / `SESSION`), and
 * the user's pointer to each (`USER#<id>` / `AUTH#<kind>#<hash>`), so logout finds them all.
 */
import type { CredentialGrant, StoredSession, StoredToken } from '../../domain/ports';
import type { PublicUser } from '../../domain/users';
import { type Key, type StoredItem, userPartition } from './item';
import { publicUserOf } from './user';

export const tokenKey = (tokenHash: string): Key => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' });
export const sessionKey = (sessionHash: string): Key => ({ pk: `SESSION#${sessionHash}`, sk: 'SESSION' });

export const CREDENTIAL_POINTER_PREFIX = 'AUTH#';
export const credentialPointerKey = (userId: string, kind: 'TOKEN' | 'SESSION', hash: string): Key => ({
  pk: userPartition(userId),
  sk: `${CREDENTIAL_POINTER_PREFIX}${kind}#${hash}`,
});

const ownerOf = (user: PublicUser) => ({ userId: user.id, username: user.username, email: user.email });

/** The four items a login writes. */
export function credentialItems(grant: CredentialGrant) {
  const owner = ownerOf(grant.user);
  return [
    { ...tokenKey(grant.tokenHash), type: 'token' as const, ...owner, expiresAt: grant.tokenExpiresAt },
    {
      ...sessionKey(grant.sessionHash),
      type: 'session' as const,
      ...owner,
      csrfHash: grant.csrfHash,
      sealedToken: grant.sealedToken,
      expiresAt: grant.sessionExpiresAt,
    },
    {
      ...credentialPointerKey(grant.user.id, 'TOKEN', grant.tokenHash),
      type: 'credentialPointer' as const,
      target: tokenKey(grant.tokenHash),
      created: grant.created,
      expiresAt: grant.tokenExpiresAt,
    },
    {
      ...credentialPointerKey(grant.user.id, 'SESSION', grant.sessionHash),
      type: 'credentialPointer' as const,
      target: sessionKey(grant.sessionHash),
      created: grant.created,
      expiresAt: grant.sessionExpiresAt,
    },
  ];
}

export const tokenOf = (item: StoredItem): StoredToken => ({ user: publicUserOf(item, 'userId'), expiresAt: Number(item.expiresAt ?? 0) });

/** A user's pointer to one credential, as logout and the cap read it. */
export interface CredentialPointer {
  key: Key;
  target: Key;
  kind: 'TOKEN' | 'SESSION';
  created: string;
  expiresAt: number;
}

export function pointerOf(item: StoredItem): CredentialPointer {
  return {
    key: { pk: item.pk, sk: item.sk },
    target: item.target as Key,
    kind: item.sk.startsWith(`${CREDENTIAL_POINTER_PREFIX}TOKEN#`) ? 'TOKEN' : 'SESSION',
    created: String(item.created ?? ''),
    expiresAt: Number(item.expiresAt ?? 0),
  };
}

export function sessionOf(item: StoredItem): StoredSession {
  return {
    user: publicUserOf(item, 'userId'),
    csrfHash: String(item.csrfHash),
    sealedToken: String(item.sealedToken),
    expiresAt: Number(item.expiresAt),
  };
}
