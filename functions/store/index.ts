/**
 * The store factory: every store over one table, for the composition root.
 */
import type { Stores } from '../domain/ports';
import type { DynamoDb } from './dynamodb';
import { DynamoAvailabilityStore } from './availability-store';
import { DynamoCalendarFeedStore } from './calendar-feed-store';
import { DynamoCredentialStore } from './credential-store';
import { DynamoAttemptLimiter } from './limiter-store';
import { MeetingCounts } from './meeting-counts';
import { DynamoMeetingStore } from './meeting-store';
import { type StoreObserver, Table } from './table';
import { DynamoUserStore } from './user-store';
import { DynamoWebhookStore } from './webhook-store';

export type { StoreObserver } from './table';

/** The counter of users' meetings, run from the table's stream (see `meeting-counts.ts`). */
export function createMeetingCounts(client: DynamoDb, tableName: string, observer: StoreObserver = {}): MeetingCounts {
  return new MeetingCounts(new Table(client, tableName, observer));
}

/**
 * The table alone, as the idempotency records use it (`idempotency-store.ts`: built apart,
 * so that only the routes that honour `Idempotency-Key` load Powertools idempotency).
 */
export function createTable(client: DynamoDb, tableName: string, observer: StoreObserver = {}): Table {
  return new Table(client, tableName, observer);
}

/** `cursorSecrets`: the deployment's secrets that seal listing cursors (see `cursor.ts`). */
export function createStores(
  client: DynamoDb,
  tableName: string,
  observer: StoreObserver = {},
  options: { cursorSecrets?: readonly string[] } = {},
): Stores {
  const table = new Table(client, tableName, observer);
  return {
    users: new DynamoUserStore(table),
    credentials: new DynamoCredentialStore(table),
    availability: new DynamoAvailabilityStore(table),
    meetings: new DynamoMeetingStore(table, options.cursorSecrets),
    limiter: new DynamoAttemptLimiter(table),
    webhooks: new DynamoWebhookStore(table),
    feeds: new DynamoCalendarFeedStore(table),
  };
}
