/**
 * The store factory: handlers get their storage here and nowhere else.
 */
import type { Stores } from '../domain/ports';
import { config } from '../config';
import { documentClient } from './client';
import { DynamoAvailabilityStore } from './availability-store';
import { DynamoCredentialStore } from './credential-store';
import { DynamoAttemptLimiter } from './limiter-store';
import { DynamoMeetingStore } from './meeting-store';
import { DynamoUserStore } from './user-store';

let cached: Stores | undefined;

export function stores(): Stores {
  if (!cached) {
    const client = documentClient();
    const { tableName } = config();
    cached = {
      users: new DynamoUserStore(client, tableName),
      credentials: new DynamoCredentialStore(client, tableName),
      availability: new DynamoAvailabilityStore(client, tableName),
      meetings: new DynamoMeetingStore(client, tableName),
      limiter: new DynamoAttemptLimiter(client, tableName),
    };
  }
  return cached;
}
