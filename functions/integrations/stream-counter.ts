/**
 * The table's stream to the users' meeting counters: every change of a meeting's entry (the
 * meeting item, a membership) has its member's counters brought up to date with it
 * (`store/meeting-counts.ts`). Recounting reads the entry as it is now, so a change handed
 * over twice, late or out of order is still counted once. Partial batch responses name the
 * records that could not be done, so only those, and what follows them in their shard, are
 * read again.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Key } from '../store/items/item';
import type { StreamBatchHandler } from './stream-publisher';

export interface Recounter {
  recount(key: Key): Promise<void>;
}

export function streamCounter(counts: Recounter): StreamBatchHandler {
  const recountRecord = async (record: DynamoDBRecord): Promise<void> => {
    const keys = record.dynamodb?.Keys;
    if (!keys) return;
    const key = unmarshall(keys as Record<string, AttributeValue>);
    if (typeof key.pk === 'string' && typeof key.sk === 'string') await counts.recount({ pk: key.pk, sk: key.sk });
  };
  return (event, context) =>
    processPartialResponse(event, recountRecord, new BatchProcessor(EventType.DynamoDBStreams), {
      ...(context ? { context } : {}),
      throwOnFullBatchFailure: true,
    });
}
