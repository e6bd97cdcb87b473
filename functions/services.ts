/**
 * The composition root: reads the configuration once, builds the DynamoDB client and
 * every store over the one table, for the handlers to hand to the domain and to the
 * middleware chain. Built once per container.
 */
import { config, type Config } from './config';
import type { Stores } from './domain/ports';
import type { AuthenticationPorts } from './http/auth';
import { logger } from './http/logger';
import { businessMetric } from './http/observability';
import { createStores } from './store';
import { createClient } from './store/client';
import type { DynamoDb } from './store/dynamodb';

export interface Services extends Stores {
  config: Config;
  /** What the middleware chain needs to recognise callers. */
  authentication: AuthenticationPorts;
  /** The container's DynamoDB client (tools and tests reach the table through it). */
  dynamoDb: DynamoDb;
}

let cached: Services | undefined;

export function services(): Services {
  if (!cached) {
    const settings = config();
    const dynamoDb = createClient({
      endpoint: settings.dynamoDbEndpoint,
      maxInFlight: settings.dynamoDbMaxInFlight,
      onDeadline: (operation, elapsedMs) => logger.warn('storage call ended by the request deadline', { operation, elapsedMs }),
    });
    const stores = createStores(
      dynamoDb,
      settings.tableName,
      { writeRetried: businessMetric.writeRetried },
      { cursorSecrets: settings.cursorKeys },
    );
    cached = {
      ...stores,
      authentication: { credentials: stores.credentials, tokenTtlSeconds: settings.tokens.ttlSeconds },
      config: settings,
      dynamoDb,
    };
  }
  return cached;
}
