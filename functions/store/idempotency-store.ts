/**
 * Idempotency records in the service's own table, under their own partition
 * (`IDEMPOTENCY` / a hash Powertools derives from the caller, method, path and key).
 * Powertools' DynamoDB persistence does the conditional writes; lasting transient faults
 * become the domain's TemporarilyUnavailable, as in every other store.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { TemporarilyUnavailable } from '../domain/errors';
import { isTransient } from './retry';
import { tableDefinition } from './table-definition';

export const IDEMPOTENCY_PARTITION = 'IDEMPOTENCY';

async function classified<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isTransient(error) ? new TemporarilyUnavailable({ cause: error }) : error;
  }
}

class TablePersistenceLayer extends DynamoDBPersistenceLayer {
  protected override _getRecord(key: string): Promise<IdempotencyRecord> {
    return classified(() => super._getRecord(key));
  }
  protected override _putRecord(record: IdempotencyRecord): Promise<void> {
    return classified(() => super._putRecord(record));
  }
  protected override _updateRecord(record: IdempotencyRecord): Promise<void> {
    return classified(() => super._updateRecord(record));
  }
  protected override _deleteRecord(record: IdempotencyRecord): Promise<void> {
    return classified(() => super._deleteRecord(record));
  }
}

export function createIdempotencyStore(client: DynamoDBClient, tableName: string): DynamoDBPersistenceLayer {
  return new TablePersistenceLayer({
    tableName,
    keyAttr: tableDefinition.partitionKey,
    sortKeyAttr: tableDefinition.sortKey,
    staticPkValue: IDEMPOTENCY_PARTITION,
    expiryAttr: tableDefinition.timeToLiveAttribute,
    awsSdkV3Client: client,
  });
}
