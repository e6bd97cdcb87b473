/**
 * The partitions of the single table, by the prefix of their partition key (the whole key
 * for the idempotency records). Routes name the partitions they touch (`routes.ts`); the
 * stack turns that into each function's `dynamodb:LeadingKeys` condition, so a function
 * can reach no other item (a route that does not log in never sees a password hash).
 */
export const partitions = {
  /** A user's profile, days, hours and credential pointers. */
  user: 'USER#',
  /** Username guards: they hold the password hash (login's one read). */
  username: 'USERNAME#',
  email: 'EMAIL#',
  skeleton: 'SKELETON#',
  token: 'TOKEN#',
  session: 'SESSION#',
  /** Meetings and their memberships. */
  meeting: 'MEETING#',
  /** The member indexes' partitions (a listing's Query). */
  member: 'MEMBER#',
  /** The recount index's partitions: a user's entries their counters have not caught up with. */
  recount: 'RECOUNT#',
  attempts: 'ATTEMPTS#',
  /** A user's webhook subscriptions (with their secrets), their count and their deliveries. */
  webhook: 'WEBHOOK#',
  /** Calendar feeds by the hash of their secret (the feed route's one read of its owner). */
  feed: 'FEED#',
  idempotency: 'IDEMPOTENCY',
} as const;

export type Partition = keyof typeof partitions;
