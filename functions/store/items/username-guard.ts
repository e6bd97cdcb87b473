/**
 * Claims a username, case-insensitively, and serves login: `USERNAME#<lower>` / `GUARD`,
 * holding the user with its password hash so that login is one read.
 */
import type { UserRecord } from '../../domain/users';
import type { Key, StoredItem } from './item';
import { publicUserOf } from './user';

export const usernameGuardKey = (username: string): Key => ({ pk: `USERNAME#${username.toLowerCase()}`, sk: 'GUARD' });

export const toUsernameGuardItem = (user: UserRecord) => ({ ...usernameGuardKey(user.username), type: 'usernameGuard' as const, ...user });

export function userRecordOf(item: StoredItem): UserRecord {
  return { ...publicUserOf(item), passwordHash: String(item.passwordHash), created: String(item.created) };
}

/** Claims a username's skeleton, so that no two users have names one could take for the other. */
export const skeletonGuardKey = (skeleton: string): Key => ({ pk: `SKELETON#${skeleton}`, sk: 'GUARD' });

export const toSkeletonGuardItem = (user: UserRecord, skeleton: string) => ({
  ...skeletonGuardKey(skeleton),
  type: 'skeletonGuard' as const,
  id: user.id,
});
