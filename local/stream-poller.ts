/**
 * The local runtime's Lambda event source: reads the table's stream on DynamoDB Local
 * (DescribeStream, GetShardIterator, GetRecords, as the event source mapping does in AWS)
 * and hands each batch, in the Lambda event's shape, to the same stream handler that runs
 * in AWS. Records the handler reports as failed (partial batch response) are read again
 * from the first of them after a backoff, so nothing is skipped; what was done before it
 * is not read again.
 *
 * With a position file (under DATA_DIR), the last record done in each shard is kept
 * durably after every batch, so a restart resumes after it: nothing is lost, and a change
 * handed over again after a crash keeps its event id (ids come from the change).
 */
import { rename, readFile, writeFile } from 'node:fs/promises';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamApiRecord,
  type Shard,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export type StreamBatchHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface StreamPollerOptions {
  /** The client of the table's DynamoDB (Local); the streams client is made alike. */
  client: DynamoDBClient;
  tableName: string;
  handle: StreamBatchHandler;
  /** Where the position is kept between runs. @default nowhere: it lives as long as the process */
  positionFile?: string;
  /** Where to start in a stream with no kept position. @default 'TRIM_HORIZON' (every record kept) */
  startAt?: 'TRIM_HORIZON' | 'LATEST';
  /** Pause between polls that found nothing. @default 50 */
  idleMs?: number;
  /** Records per GetRecords. @default 100 (the event source mapping's default batch size) */
  batchSize?: number;
  /**
   * Readings of a record whose event is not accepted before it is given up, as the event
   * source's bounded retries do in AWS: it is told to `onGiveUp` and the shard goes on,
   * so that one bad change cannot hold back every later one. @default 10
   */
  maxAttempts?: number;
  /** Told about a record given up (the local failure queue). @default console.error */
  onGiveUp?(record: DynamoDBRecord): void | Promise<void>;
  /** Told about failures (the poller goes on after a backoff). @default console.error, once per distinct message */
  onError?(error: unknown): void;
}

interface Position {
  streamArn: string;
  /** Per shard: the sequence number of the last record done. */
  done: Record<string, string>;
  /** Shards read to their end. */
  finished: string[];
}

export interface StreamPoller {
  /** Resolves once the poller has found the stream and placed its iterators. */
  readonly ready: Promise<void>;
  /** Resolves when every record written before the call has been handled (and accepted). */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

/** How often the list of shards is read again while every shard is being read. */
const SHARD_REFRESH_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const idleMs = options.idleMs ?? 50;
  const batchSize = options.batchSize ?? 100;
  const streams = new DynamoDBStreamsClient({
    endpoint: options.client.config.endpoint,
    region: options.client.config.region,
    credentials: options.client.config.credentials,
  });
  const reported = new Set<string>();
  const onError =
    options.onError ??
    ((error: unknown) => {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (reported.has(message)) return;
      reported.add(message);
      console.error(`Domain events: ${message} (retrying)`);
    });

  let position: Position | undefined;
  const iterators = new Map<string, string>();
  /** Shards whose first record not done failed, when they may be read again, and how often it failed. */
  const backoff = new Map<string, { until: number; delayMs: number; sequenceNumber: string; attempts: number }>();
  const maxAttempts = options.maxAttempts ?? 10;
  const onGiveUp =
    options.onGiveUp ??
    ((record: DynamoDBRecord) =>
      console.error(
        `Domain events: gave up the change ${record.dynamodb?.SequenceNumber} (${record.eventName} of ${JSON.stringify(record.dynamodb?.Keys)}) after ${maxAttempts} attempts`,
      ));
  let stopping = false;
  /** A shard was read to its end: its children are in the next shard list. */
  let shardEnded = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let waiters: (() => void)[] = [];

  async function load(streamArn: string): Promise<Position> {
    if (options.positionFile) {
      try {
        const kept = JSON.parse(await readFile(options.positionFile, 'utf8')) as Position;
        // A kept position of another stream (the table was made anew) does not apply.
        if (kept.streamArn === streamArn) return kept;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return { streamArn, done: {}, finished: [] };
  }

  async function save(): Promise<void> {
    if (!options.positionFile || !position) return;
    const temporary = `${options.positionFile}.tmp`;
    await writeFile(temporary, JSON.stringify(position));
    await rename(temporary, options.positionFile);
  }

  async function shardsOf(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  async function iteratorFor(streamArn: string, shardId: string, fresh: boolean): Promise<string | undefined> {
    const after = position?.done[shardId];
    const type: ShardIteratorType = after ? 'AFTER_SEQUENCE_NUMBER' : fresh ? (options.startAt ?? 'TRIM_HORIZON') : 'TRIM_HORIZON';
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: after }),
    );
    return ShardIterator;
  }

  /** The sequence numbers of the records the handler did not do; all of them when it threw. */
  async function failuresOf(records: DynamoDBRecord[]): Promise<Set<string>> {
    try {
      const { batchItemFailures } = await options.handle({ Records: records });
      return new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch (error) {
      onError(error);
      return new Set(records.map((record) => record.dynamodb?.SequenceNumber ?? ''));
    }
  }

  /** One GetRecords on a shard and its handling; answers how many records it read (so 0: nothing new). */
  async function readShard(streamArn: string, shardId: string): Promise<number> {
    if (!position) return 0;
    let iterator = iterators.get(shardId);
    if (!iterator) {
      iterator = await iteratorFor(streamArn, shardId, false);
      if (!iterator) return 0;
    }
    let answer;
    try {
      answer = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
    } catch (error) {
      iterators.delete(shardId);
      if (error instanceof ExpiredIteratorException) return 0;
      if (error instanceof TrimmedDataAccessException) {
        // The kept position is older than the stream's retention: read what is left.
        onError(new Error(`records of shard ${shardId} after the kept position were trimmed; reading from the oldest kept`));
        delete position.done[shardId];
        return 0;
      }
      throw error;
    }
    const records = answer.Records ?? [];
    if (records.length > 0) {
      const batch = records.map((record) => lambdaRecordOf(record, streamArn));
      const failed = await failuresOf(batch);
      const firstFailed = batch.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
      let doneUpTo = firstFailed === -1 ? records.length : firstFailed;
      if (firstFailed !== -1) {
        const failedRecord = batch[firstFailed] as DynamoDBRecord;
        const sequenceNumber = failedRecord.dynamodb?.SequenceNumber ?? '';
        const previous = backoff.get(shardId);
        const attempts = previous?.sequenceNumber === sequenceNumber ? previous.attempts + 1 : 1;
        if (attempts >= maxAttempts) {
          await onGiveUp(failedRecord);
          doneUpTo = firstFailed + 1;
          backoff.delete(shardId);
        } else {
          const delayMs = Math.min(5_000, (previous?.delayMs ?? 50) * 2);
          backoff.set(shardId, { until: Date.now() + delayMs, delayMs, sequenceNumber, attempts });
        }
      } else backoff.delete(shardId);
      const last = records[doneUpTo - 1]?.dynamodb?.SequenceNumber;
      if (last) position.done[shardId] = last;
      if (firstFailed !== -1) {
        // Read again after the last record done, after a backoff, as the event source does.
        iterators.delete(shardId);
        await save();
        return records.length;
      }
    }
    if (answer.NextShardIterator) iterators.set(shardId, answer.NextShardIterator);
    else {
      iterators.delete(shardId);
      position.finished.push(shardId);
      shardEnded = true;
    }
    if (records.length > 0 || !answer.NextShardIterator) await save();
    return records.length;
  }

  async function streamArnOf(): Promise<string> {
    const { Table } = await options.client.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`table ${options.tableName} has no stream`);
    return Table.LatestStreamArn;
  }

  async function run(): Promise<void> {
    let errorDelayMs = 100;
    let knownShards: Shard[] | undefined;
    let shardsReadAt = 0;
    let streamArn: string | undefined;
    while (!stopping) {
      const waiting = waiters;
      waiters = [];
      try {
        if (!streamArn) {
          streamArn = await streamArnOf();
          position = await load(streamArn);
          // Place the iterators of open shards now, so that "LATEST" means "from the start of this run".
          for (const shard of await shardsOf(streamArn)) {
            const id = shard.ShardId as string;
            if (position.finished.includes(id)) continue;
            if (options.startAt === 'LATEST' && !position.done[id] && shard.SequenceNumberRange?.EndingSequenceNumber) {
              position.finished.push(id);
              continue;
            }
            const iterator = await iteratorFor(streamArn, id, true);
            if (iterator) iterators.set(id, iterator);
          }
          markReady();
        }
        let read = 0;
        // The shard list changes rarely (a shard ends, a child begins): read it again now and then, or when a shard ended.
        if (!knownShards || shardEnded || Date.now() - shardsReadAt > SHARD_REFRESH_MS) {
          knownShards = await shardsOf(streamArn);
          shardsReadAt = Date.now();
          shardEnded = false;
        }
        const shards = knownShards;
        const finished = new Set(position?.finished);
        for (const shard of shards) {
          const id = shard.ShardId as string;
          if (finished.has(id)) continue;
          // A child shard is read after its parent is finished, as in AWS.
          const parent = shard.ParentShardId;
          if (parent && !finished.has(parent) && shards.some((other) => other.ShardId === parent)) continue;
          if ((backoff.get(id)?.until ?? 0) > Date.now()) {
            read += 1; // not drained yet
            continue;
          }
          read += await readShard(streamArn, id);
        }
        errorDelayMs = 100;
        if (read === 0) {
          for (const resolve of waiting) resolve();
          await sleep(idleMs);
        } else waiters.unshift(...waiting);
      } catch (error) {
        waiters.unshift(...waiting);
        if (stopping) break;
        onError(error);
        await sleep(errorDelayMs);
        errorDelayMs = Math.min(5_000, errorDelayMs * 2);
      }
    }
    for (const resolve of waiters) resolve();
  }

  const running = run();
  return {
    ready,
    drained: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async stop() {
      stopping = true;
      await running;
      streams.destroy();
    },
  };
}

/** A Streams API record in the shape a Lambda event source hands over. */
function lambdaRecordOf(record: StreamApiRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...stream } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(stream as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) } : {}),
    },
  };
}
