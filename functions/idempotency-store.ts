import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { businessMetric } from './http/observability';
import { services } from './services';
import { createTable } from './store';
import { createIdempotencyStore } from './store/idempotency-store';

let cached: BasePersistenceLayer | undefined;

/**
 * The container's idempotency records, over the service table through the client every
 * store uses (composition root; kept apart so that only the routes that honour
 * `Idempotency-Key` load Powertools idempotency).
 */
export function idempotencyStore(): BasePersistenceLayer {
  const { dynamoDb, config } = services();
  cached ??= createIdempotencyStore(createTable(dynamoDb, config.tableName, { writeRetried: businessMetric.writeRetried }));
  return cached;
}
