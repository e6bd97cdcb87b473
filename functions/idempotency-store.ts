import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { services } from './services';
import { createIdempotencyStore } from './store/idempotency-store';

let cached: BasePersistenceLayer | undefined;

/**
 * The container's idempotency records, over the service table (composition root; kept
 * apart so that only the routes that honour `Idempotency-Key` load Powertools idempotency).
 */
export function idempotencyStore(): BasePersistenceLayer {
  const { dynamoDb, config } = services();
  cached ??= createIdempotencyStore(dynamoDb, config.tableName);
  return cached;
}
