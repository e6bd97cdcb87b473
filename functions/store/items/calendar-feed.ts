/**
 * A calendar feed (`FEED#<sha256(secret)>` / `FEED`), found by the hash of its secret with
 * one read and holding its owner; and the owner's pointer to it (`USER#<id>` / `FEED`),
 * which remembers the current hash so that a new secret replaces the old one in one
 * transaction.
 */
import type { PublicUser } from '../../domain/users';
import { type Key, type StoredItem, userPartition } from './item';
import { publicUserOf } from './user';

export const feedKey = (secretHash: string): Key => ({ pk: `FEED#${secretHash}`, sk: 'FEED' });
export const feedPointerKey = (userId: string): Key => ({ pk: userPartition(userId), sk: 'FEED' });

export const toFeedItem = (owner: PublicUser, secretHash: string, created: string) => ({
  ...feedKey(secretHash),
  type: 'calendarFeed' as const,
  userId: owner.id,
  username: owner.username,
  email: owner.email,
  created,
});

export const toFeedPointerItem = (owner: PublicUser, secretHash: string, created: string) => ({
  ...feedPointerKey(owner.id),
  type: 'calendarFeedPointer' as const,
  secretHash,
  created,
});

export const feedOwnerOf = (item: StoredItem): PublicUser => publicUserOf(item, 'userId');

/** The hash a pointer names. */
export const pointedHashOf = (item: StoredItem | Record<string, unknown>): string => String(item.secretHash);
