/**
 * What every item of the single table has: its key and a type tag from one closed union,
 * so that a reader (the stores, the integrity checker) can tell item kinds apart.
 */
export interface Key {
  pk: string;
  sk: string;
}

export type ItemType =
  | 'user'
  | 'usernameGuard'
  | 'skeletonGuard'
  | 'emailGuard'
  | 'token'
  | 'session'
  | 'credentialPointer'
  | 'day'
  | 'hour'
  | 'meeting'
  | 'membership'
  | 'attempts'
  | 'webhook'
  | 'webhookCount'
  | 'delivery'
  | 'calendarFeed'
  | 'calendarFeedPointer'
  | 'meetingCounts'
  | 'countedSince';

/** An item as read back: its attributes are the store's to interpret. */
export type StoredItem = Key & { type?: ItemType } & Record<string, unknown>;

/** The partition of everything a user owns (profile, days, hours, credential pointers). */
export const userPartition = (userId: string) => `USER#${userId}`;
