/** The user's profile: `USER#<id>` / `PROFILE`. */
import type { PublicUser, UserRecord } from '../../domain/users';
import { type Key, type StoredItem, userPartition } from './item';

export const userKey = (userId: string): Key => ({ pk: userPartition(userId), sk: 'PROFILE' });

/** The profile: no password hash (that lives on the username guard only, which only login reads). */
export function toUserItem(user: UserRecord) {
  const { passwordHash: _, ...profile } = user;
  return { ...userKey(user.id), type: 'user' as const, ...profile };
}

/**
 * A user as the API shows it, from any item that names one: profiles and guards keep the
 * id as `id`, credentials (which belong to a user) as `userId`.
 */
export function publicUserOf(item: StoredItem | Record<string, unknown>, idAttribute: 'id' | 'userId' = 'id'): PublicUser {
  return { id: String(item[idAttribute]), username: String(item.username), email: String(item.email) };
}
