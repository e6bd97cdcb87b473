import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type Archive, EventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../functions/integrations/eventbridge-transport';
import type { ItemType } from '../functions/store/items/item';
import { ApiFunction } from './api-function';
import { deadLetterQueue } from './dead-letter-queue';
import { readStream, streamConsumerAlarms } from './stream-consumer';

/**
 * The item kinds whose committed changes become domain events (`store/change-images.ts`
 * reads only these); every other change of the table is filtered out before Lambda runs.
 */
export const EVENT_ITEM_TYPES: readonly ItemType[] = ['meeting', 'day'];

export interface EventPublishingProps {
  /** The service's table; it must have a stream with new and old images. */
  table: ITable;
  /** Directory holding the handler modules. */
  functionsDir: string;
  /** IANA zone of the service. @default 'UTC' */
  timeZone?: string;
  /** Name of the event bus. @default `<stack name>-events` */
  eventBusName?: string;
  /**
   * How long the archive keeps published events for replay. @default Duration.days(365)
   */
  archiveRetention?: Duration;
  /** Oldest unpublished change, in seconds, tolerated before the iterator-age alarm fires. @default 60 */
  iteratorAgeAlarmSeconds?: number;
}

/**
 * Domain events leave the service here: the table's stream feeds one publisher function
 * (only the changes of meetings and day records reach it), which puts each change's event
 * on a dedicated EventBridge bus, in the stream's order. Every event on the bus is archived
 * so that it can be replayed. A batch the publisher cannot get through is retried, split
 * in halves to isolate the failing change, and finally recorded on the failure queue;
 * alarms tell when publishing falls behind, fails, or gives up on a change.
 */
export class EventPublishing extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly publisher: ApiFunction;
  /** Where the stream's event source records the batches it gave up on (their stream positions, not their records). */
  readonly failureQueue: Queue;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: EventPublishingProps) {
    super(scope, id);
    const { table } = props;
    if (!table.tableStreamArn) throw new Error('EventPublishing needs a table with a stream');

    this.bus = new EventBus(this, 'Bus', { eventBusName: props.eventBusName ?? `${Stack.of(this).stackName}-events` });
    // A year of events: an integration added later, or one that was down or mishandled
    // events, can have what it missed replayed, over the same horizon as the calendar
    // feeds (a year ahead). The table's stream keeps changes for 24 hours only.
    this.archive = this.bus.archive('Archive', {
      description: 'Every domain event of the calendar service, for replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: props.archiveRetention ?? Duration.days(365),
    });

    this.failureQueue = deadLetterQueue(this, 'FailureQueue', "the on-failure destination of the table stream's event source mapping");

    this.publisher = new ApiFunction(this, 'Publisher', {
      functionsDir: props.functionsDir,
      handlerModule: 'integrations/publish-events',
      timeZone: props.timeZone,
      // A batch of 100 changes, each event retried with backoff by the publisher.
      timeout: Duration.seconds(60),
    });
    const fn = this.publisher.function;
    fn.addEnvironment('EVENT_BUS_NAME', this.bus.eventBusName);
    this.bus.grantPutEventsTo(fn);

    readStream(fn, table, {
      failureQueue: this.failureQueue,
      // One batch at a time per shard: a meeting's events are published in the order of its changes.
      parallelizationFactor: 1,
      // Only changes that can make an event invoke the function (REMOVE never makes one).
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: { NewImage: { type: { S: FilterRule.or(...EVENT_ITEM_TYPES) } } },
        }),
      ],
    });

    const iteratorAgeSeconds = props.iteratorAgeAlarmSeconds ?? 60;
    this.alarms.push(
      ...streamConsumerAlarms(this, fn, this.failureQueue, {
        iteratorAgeSeconds,
        behind: `Domain events published more than ${iteratorAgeSeconds} s after their change, for 5 minutes`,
        gaveUp: 'Changes given up on by the event publisher: their events were not published',
        errorsId: 'PublisherErrorsAlarm',
        errors: 'Event publisher failed whole batches (they are retried, then bisected)',
      }),
    );
  }
}
