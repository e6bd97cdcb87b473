/**
 * Idempotency records in the service's own table, under their own partition
 * (`IDEMPOTENCY` / a hash Powertools derives from the caller, method, path and key).
 * A Powertools persistence layer over the `Table`, so that it needs no SDK client of its
 * own: the items, the conditional Put and the records read back are those of Powertools'
 * own DynamoDB persistence (2.35.0), so a record written by either is understood by the
 * other. Lasting transient faults become the domain's TemporarilyUnavailable in the table,
 * as for every other store. The conditional Put is retried as the table retries writes: a
 * retry after an answer lost on the way meets its own in-progress record and the request
 * is answered 409 with Retry-After, as while the first attempt may still run; once that
 * record's time runs out, a retry of the request takes it over and runs.
 */
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { IdempotencyRecordStatusValue } from '@aws-lambda-powertools/idempotency/types';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Key } from './items/item';
import { isFailedCondition } from './retry';
import type { Table } from './table';
import { tableDefinition } from './table-definition';

export const IDEMPOTENCY_PARTITION = 'IDEMPOTENCY';

/** The attributes of a record besides its key: Powertools' names, with the table's TTL attribute as the expiry. */
const attribute = {
  status: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.statusAttr,
  expiry: tableDefinition.timeToLiveAttribute,
  inProgressExpiry: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.inProgressExpiryAttr,
  data: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.dataAttr,
  validation: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.validationKeyAttr,
} as const;

/**
 * A record may be written when there is none, when the one there has expired, or when it
 * is in progress but its request's time ran out (the function stopped without releasing it).
 */
const replaceable = [
  'attribute_not_exists(#id)',
  '#expiry < :now',
  '(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
].join(' OR ');

const keyOf = (idempotencyKey: string): Key => ({ pk: IDEMPOTENCY_PARTITION, sk: idempotencyKey });

/**
 * The record an item holds. As Powertools reads its records from a table with a sort key,
 * `idempotencyKey` is the partition and `sortKey` the record's key.
 */
function recordOf(item: Record<string, unknown>): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: item.pk as string,
    sortKey: item.sk as string,
    status: item[attribute.status] as IdempotencyRecordStatusValue,
    expiryTimestamp: item[attribute.expiry] as number | undefined,
    inProgressExpiryTimestamp: item[attribute.inProgressExpiry] as number | undefined,
    responseData: item[attribute.data] as IdempotencyRecord['responseData'],
    payloadHash: item[attribute.validation] as string | undefined,
  });
}

class TablePersistenceLayer extends BasePersistenceLayer {
  constructor(private readonly table: Table) {
    super();
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const item = await this.table.get(keyOf(idempotencyKey));
    if (!item) throw new IdempotencyItemNotFoundError();
    return recordOf(item);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const item: Record<string, unknown> = {
      ...keyOf(record.idempotencyKey),
      [attribute.expiry]: record.expiryTimestamp,
      [attribute.status]: record.getStatus(),
    };
    if (record.inProgressExpiryTimestamp !== undefined) item[attribute.inProgressExpiry] = record.inProgressExpiryTimestamp;
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) item[attribute.validation] = record.payloadHash;
    const now = Date.now();
    try {
      await this.table.put({
        Item: item,
        ConditionExpression: replaceable,
        ExpressionAttributeNames: {
          '#id': tableDefinition.partitionKey,
          '#expiry': attribute.expiry,
          '#in_progress_expiry': attribute.inProgressExpiry,
          '#status': attribute.status,
        },
        ExpressionAttributeValues: { ':now': now / 1000, ':now_in_millis': now, ':inprogress': IdempotencyRecordStatus.INPROGRESS },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    } catch (error) {
      if (!isFailedCondition(error)) throw error;
      // The record in the way, as the engine returns it (attribute values, not unmarshalled).
      const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        old && recordOf(unmarshall(old)),
      );
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const sets = ['#expiry = :expiry', '#status = :status'];
    const names: Record<string, string> = { '#expiry': attribute.expiry, '#status': attribute.status };
    const values: Record<string, unknown> = { ':expiry': record.expiryTimestamp, ':status': record.getStatus() };
    if (record.responseData !== undefined) {
      sets.push('#response_data = :response_data');
      names['#response_data'] = attribute.data;
      values[':response_data'] = record.responseData;
    }
    if (this.isPayloadValidationEnabled()) {
      sets.push('#validation_key = :validation_key');
      names['#validation_key'] = attribute.validation;
      values[':validation_key'] = record.payloadHash;
    }
    await this.table.update({
      Key: keyOf(record.idempotencyKey),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.table.remove({ Key: keyOf(record.idempotencyKey) });
  }
}

/** The records' persistence, over the table every store uses (`createTable` in `index.ts`). */
export function createIdempotencyStore(table: Table): BasePersistenceLayer {
  return new TablePersistenceLayer(table);
}
