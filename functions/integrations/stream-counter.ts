/**
 * The table's stream to the users' meeting counters: every change of a meeting's entry (the
 * meeting item, a membership) has its member's counters brought up to date with it
 * (`store/meeting-counts.ts`). Recounting reads the entry as it is now, so a change handed
 * over twice, late or out of order is still counted once, and an entry changed several
 * times in one batch is recounted once.
 *
 * One member's entries are recounted one after another (they share counter items, which
 * concurrent transactions would fight over); different members' side by side. A partial
 * batch response names the records whose entries could not be recounted, so only those,
 * and what follows them in their shard, are read again.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Key } from '../store/items/item';

export interface Recounter {
  recount(key: Key): Promise<void>;
}

/** Members recounted at once. */
const MEMBERS_AT_ONCE = 8;

interface Entry {
  key: Key;
  records: DynamoDBRecord[];
}

/** The entry a record is about, and whose counters it moves (the organiser of a meeting item, the guest of a membership). */
function entryOf(record: DynamoDBRecord): { key: Key; member: string } | undefined {
  const stream = record.dynamodb;
  // An entry with something to count is filed for recount (every write that changes what
  // it counts as files it); the counter's own writes, which take it off that list, its
  // deletions of tombstones, and changes that count as before leave nothing to count (in
  // AWS the event source's filter keeps them away).
  if (!stream?.Keys || stream.NewImage?.gsi3pk === undefined) return undefined;
  const key = unmarshall(stream.Keys as Record<string, AttributeValue>);
  if (typeof key.pk !== 'string' || typeof key.sk !== 'string') return undefined;
  const image = stream.NewImage ?? stream.OldImage;
  const organiser = image?.organiser?.M?.id?.S;
  const member = key.sk.startsWith('MEMBER#') ? key.sk.slice('MEMBER#'.length) : (organiser ?? key.pk);
  return { key: { pk: key.pk, sk: key.sk }, member };
}

export function streamCounter(counts: Recounter, onError: (error: unknown, key: Key) => void = () => {}) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const members = new Map<string, Map<string, Entry>>();
    for (const record of event.Records) {
      const found = entryOf(record);
      if (!found) continue;
      const entries = members.get(found.member) ?? new Map<string, Entry>();
      members.set(found.member, entries);
      const id = `${found.key.pk}\n${found.key.sk}`;
      const entry = entries.get(id) ?? { key: found.key, records: [] };
      entry.records.push(record);
      entries.set(id, entry);
    }
    const failed: DynamoDBRecord[] = [];
    const queue = [...members.values()];
    const worker = async () => {
      for (let entries = queue.shift(); entries; entries = queue.shift()) {
        for (const entry of entries.values()) {
          try {
            await counts.recount(entry.key);
          } catch (error) {
            onError(error, entry.key);
            failed.push(...entry.records);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(MEMBERS_AT_ONCE, queue.length) }, worker));
    if (failed.length > 0 && failed.length === event.Records.length) {
      // Nothing could be done: a function error, so that the event source backs off and bisects.
      throw new Error(`none of the ${failed.length} changes of the batch could be recounted`);
    }
    return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' })) };
  };
}
