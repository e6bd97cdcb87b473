/**
 * The table's stream to domain events, one batch of change records at a time: each record
 * is mapped by the domain (`eventOf`: at most one event per committed change) and its event
 * published through the transport. Partial batch responses (Powertools batch) name the
 * records whose events were not accepted, so only those, and what follows them in their
 * shard, are read again: in AWS by the Lambda event source, locally by the poller.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { publicationOf } from '../domain/events';
import { changeRecordOf, readImage } from '../store/change-images';
import { EventPublisher, type PublishOptions } from './event-publisher';
import type { EventTransport } from './event-transport';

export type StreamBatchHandler = (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse>;

export interface StreamPublisherOptions extends PublishOptions {
  /**
   * Throw when no record of a batch could be done (in AWS that is a function error, which
   * makes the event source bisect the batch). @default true
   */
  throwOnFullBatchFailure?: boolean;
}

export function streamPublisher(transport: EventTransport, options: StreamPublisherOptions = {}): StreamBatchHandler {
  const publisher = new EventPublisher(transport, options);
  const publishRecord = async (record: DynamoDBRecord): Promise<void> => {
    const publication = publicationOf(changeRecordOf(record), readImage);
    if (publication) await publisher.publish(publication);
  };
  return (event, context) =>
    processPartialResponse(event, publishRecord, new BatchProcessor(EventType.DynamoDBStreams), {
      ...(context ? { context } : {}),
      throwOnFullBatchFailure: options.throwOnFullBatchFailure ?? true,
    });
}
