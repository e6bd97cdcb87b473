import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Partition } from '../functions/routes';
import { partitions } from '../functions/store/items/partitions';
import { ApiFunction } from './api-function';
import { deadLetterQueue } from './dead-letter-queue';
import { readStream, streamConsumerAlarms } from './stream-consumer';

/**
 * The partitions the counter reaches: the meetings' entries it reads and settles, and the
 * users' counter items (`USER#<id>` / `COUNT#<YYYY-MM>`) it moves them between.
 */
export const COUNTER_PARTITIONS: readonly Partition[] = ['meeting', 'user'];
/** What a recount does to items: read an entry, update counters and the entry, delete a tombstone. */
export const COUNTER_ACTIONS: readonly string[] = ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

export interface MeetingCountingProps {
  /** The service's table; it must have a stream (keys are all the counter reads of it). */
  table: ITable;
  /** Directory holding the handler modules. */
  functionsDir: string;
  /** IANA zone of the service. @default 'UTC' */
  timeZone?: string;
  /** Oldest uncounted change, in seconds, tolerated before the iterator-age alarm fires. @default 300 */
  iteratorAgeAlarmSeconds?: number;
}

/**
 * Each user's meeting counters (`store/meeting-counts.ts`) are kept up to date from the
 * table's stream: every change of a meeting's entry (the meeting item, a membership)
 * invokes the counter (only keys in the `MEETING#` partitions reach it), which reads the
 * entry as it is now and moves its contribution between its member's counters in one
 * transaction. Recounting is idempotent and order-independent, so a batch the counter
 * cannot get through is simply retried, split in halves to isolate the failing change,
 * and finally recorded on the failure queue; alarms tell when counting falls behind
 * (counts stay exact meanwhile, but each listing's count reads more), fails, or gives up.
 */
export class MeetingCounting extends Construct {
  readonly counter: ApiFunction;
  /** Where the stream's event source records the batches it gave up on (their stream positions, not their records). */
  readonly failureQueue: Queue;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MeetingCountingProps) {
    super(scope, id);
    const { table } = props;
    if (!table.tableStreamArn) throw new Error('MeetingCounting needs a table with a stream');

    this.failureQueue = deadLetterQueue(
      this,
      'FailureQueue',
      "the on-failure destination of the meeting counter's stream event source mapping",
    );

    this.counter = new ApiFunction(this, 'Counter', {
      functionsDir: props.functionsDir,
      handlerModule: 'integrations/count-meetings',
      timeZone: props.timeZone,
      // A batch of 100 changes, each a read and a transaction (re-read when a write overtook it).
      timeout: Duration.seconds(60),
    });
    // A recount reads an entry, then updates its counter month and the entry (or deletes a tombstone).
    this.counter.bindTable(table, 'readwrite', COUNTER_PARTITIONS, { actions: COUNTER_ACTIONS });
    const fn = this.counter.function;

    readStream(fn, table, {
      failureQueue: this.failureQueue,
      // Two batches at a time per shard: a recount reads the entry as it is now, so the
      // order changes are counted in does not matter (unlike the publisher's). Kept modest:
      // concurrent recounts of one entry, or of one user's counter month, only collide and
      // retry their transactions, and each shard adds this many concurrent invocations.
      parallelizationFactor: 2,
      // Only writes of meetings' entries filed for recount (`gsi3pk`) invoke the function:
      // every write that changes what an entry counts as files it, so the counter's own
      // writes (which take it off that list), its deletions of tombstones and changes that
      // count as before never reach it.
      filters: [
        FilterCriteria.filter({
          dynamodb: {
            Keys: { pk: { S: FilterRule.beginsWith(partitions.meeting) } },
            NewImage: { gsi3pk: { S: FilterRule.exists() } },
          },
        }),
      ],
    });

    const iteratorAgeSeconds = props.iteratorAgeAlarmSeconds ?? 300;
    this.alarms.push(
      ...streamConsumerAlarms(this, fn, this.failureQueue, {
        iteratorAgeSeconds,
        behind: `Meeting counters more than ${iteratorAgeSeconds} s behind their changes, for 5 minutes (counts stay exact, but each listing's count reads more)`,
        gaveUp: 'Changes given up on by the meeting counter: their entries stay in the recount index until counted (recount them by hand)',
        errorsId: 'CounterErrorsAlarm',
        errors: 'Meeting counter failed whole batches (they are retried, then bisected)',
      }),
    );
  }
}
