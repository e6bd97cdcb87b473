/**
 * The domain's `ImageReader` over this table: what a stream image holds, by its type tag.
 * Meetings and day records make events; every other item kind reads as nothing.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, StreamRecord } from 'aws-lambda';
import type { ChangedEntity, ChangeRecord } from '../domain/events';
import { dayRecordOf } from './items/day';
import type { StoredItem } from './items/item';
import { meetingOf } from './items/meeting';

export function readImage(image: Record<string, unknown>): ChangedEntity | undefined {
  const item = image as StoredItem;
  if (item.type === 'meeting') return { kind: 'meeting', meeting: meetingOf(item) };
  if (item.type === 'day') {
    const day = dayRecordOf(item);
    return day && { kind: 'day', day };
  }
  return undefined;
}

/**
 * A record of the table's stream, as a Lambda event source hands it over (the local
 * poller hands over the same shape), for the domain's mapping: its images unmarshalled
 * the way the document client reads items.
 */
export function changeRecordOf(record: DynamoDBRecord): ChangeRecord {
  const stream = record.dynamodb ?? {};
  const image = (value: StreamRecord['NewImage']) => (value ? unmarshall(value as Record<string, AttributeValue>) : undefined);
  const eventName = record.eventName;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') {
    throw new Error(`stream record ${stream.SequenceNumber} has no known event name (${String(eventName)})`);
  }
  const change: ChangeRecord = { eventName, sequenceNumber: stream.SequenceNumber ?? '' };
  if (stream.ApproximateCreationDateTime !== undefined) change.approximateCreationTime = stream.ApproximateCreationDateTime;
  const newImage = image(stream.NewImage);
  const oldImage = image(stream.OldImage);
  if (newImage) change.newImage = newImage;
  if (oldImage) change.oldImage = oldImage;
  return change;
}
