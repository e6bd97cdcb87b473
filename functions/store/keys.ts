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

  /** The record of a user's date: id, created, modified of its availability. */
  day: (userId: string, date: string): Key => ({ pk: `USER#${userId}`, sk: `DAY#${date}` }),
  /** One taken hour of a user: blocked, or held by a meeting. Its existence is the lock. */
  hour: (userId: string, date: string, hour: number): Key => ({
    pk: `USER#${userId}`,
    sk: `DAY#${date}#${String(hour).padStart(2, '0')}`,
  }),
  /** Prefix of a date's record and taken hours, for the one-query day read. */
  dayPrefix: (date: string) => `DAY#${date}`,

  meeting: (meetingId: string): Key => ({ pk: `MEETING#${meetingId}`, sk: 'MEETING' }),
  /** A guest's membership of a meeting (the organiser's is the meeting item itself). */
  membership: (meetingId: string, userId: string): Key => ({ pk: `MEETING#${meetingId}`, sk: `MEMBER#${userId}` }),
  meetingIdOf: (pk: string) => pk.slice('MEETING#'.length),

  /** Attempts spent on one budget (a username's logins, an IP's sign-ups) in one window. */
  attempts: (budgetKey: string, windowStart: number): Key => ({ pk: `ATTEMPTS#${budgetKey}`, sk: `WINDOW#${windowStart}` }),

  /** Index keys of a user's meetings in time order, all statuses and by status. */
  memberIndex: (userId: string, status: string, timeSlot: string, meetingId: string) => ({
    gsi1pk: `MEMBER#${userId}`,
    gsi1sk: `${timeSlot}#${meetingId}`,
    gsi2pk: `MEMBER#${userId}#${status}`,
    gsi2sk: `${timeSlot}#${meetingId}`,
  }),
} as const;
