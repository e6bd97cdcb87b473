/**
 * The domain's `ImageReader` over this table: what a stream image holds, by its type tag.
 * Meetings and day records make events; every other item kind reads as nothing.
 */
import type { ChangedEntity } from '../domain/events';
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
