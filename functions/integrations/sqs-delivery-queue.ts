/**
 * The AWS side of the delivery seam: one SQS queue carries both kinds of work of the
 * webhook worker, and this module is all that knows it.
 * - Domain events, put there by a rule on the stack's bus: the body is the EventBridge
 *   event (`detail` = the event's body, `resources` = the users it concerns, see
 *   `eventbridge-transport.ts`), fanned out to the subscriptions that receive it.
 * - Delivery attempts (`DeliveryTask`), put there by `SqsDeliveryQueue`: the body is the
 *   task's JSON plus `notBefore`, the epoch milliseconds before which it must not run.
 *
 * How a retry waits up to 10 hours on a queue whose messages wait at most 15 minutes:
 * an attempt is sent with `DelaySeconds` = its delay, capped at SQS's 900; the worker,
 * receiving it before `notBefore`, makes it invisible for the time left
 * (ChangeMessageVisibility, at most 12 hours after the receive, SQS's limit) and reports it
 * as a batch item failure, so SQS keeps it and hands it over again at its time (a wait
 * longer than the cap just takes another such round). A retry after more than 15 minutes
 * thus costs one extra receive; these receives count towards the queue's
 * `maxReceiveCount`, which the stack sets high enough for them.
 *
 * Chosen over EventBridge Scheduler (a one-time schedule per retry, targeting the queue):
 * - the queue stays the one place where attempts wait, so the port stays one method with
 *   the in-process queue as its local twin, and a redrive of the dead-letter queue replays
 *   events and attempts alike;
 * - no schedule per retry to create, pay for, clean up (or leak when a delivery is
 *   redelivered or deleted meanwhile), no role for Scheduler to assume and no
 *   `iam:PassRole` for the worker;
 * - the time comes back to the second, where schedules have minute granularity.
 * Its price: a waiting message is "in flight" while invisible, and a standard queue holds
 * at most about 120,000 in-flight messages, so that many retries waiting at once is where
 * Scheduler (or a sweep of the delivery log's `next_attempt_at`) would take over.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { createHash } from 'node:crypto';
import type { DomainEvent, Publication } from '../domain/events';
import type { DeliveryQueue, DeliveryTask } from '../domain/webhooks';
import type { AwsJsonClient } from '../store/aws-json';
import { EVENT_SOURCE, userOfResource } from './eventbridge-transport';
import { attemptDelivery, type DeliveryDeps, fanOut } from './webhook-delivery';

/** The longest `DelaySeconds` SQS takes. */
export const MAX_DELAY_SECONDS = 900;
/**
 * The longest wait the worker asks for. SQS refuses a visibility timeout that reaches past
 * 12 hours after the receive, and some of that time passed before the worker ran (at most
 * the queue's visibility timeout, under 10 minutes): the cap leaves that margin.
 */
export const MAX_VISIBILITY_SECONDS = 12 * 60 * 60 - 10 * 60;
/** A task this close to its time runs now rather than taking another round. */
export const EARLY_TOLERANCE_MS = 1_000;

/** A delivery attempt as a message on the queue. */
export interface TaskMessage extends DeliveryTask {
  /** Epoch milliseconds before which the attempt must not run. */
  notBefore: number;
}

/** What a message on the queue asks for. */
export type QueueMessage = { kind: 'event'; publication: Publication } | { kind: 'task'; task: DeliveryTask; notBefore: number };

/** SQS's own client: its JSON protocol (1.0, `AmazonSQS`). */
export type SqsClient = Pick<AwsJsonClient, 'call'>;

/** `DeliveryQueue` on SQS, which also puts a message received too early back to wait. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly client: SqsClient,
    readonly queueUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async enqueue(task: DeliveryTask, delayMs: number): Promise<void> {
    const delay = Math.max(0, delayMs);
    const message: TaskMessage = { ...task, notBefore: this.now().getTime() + Math.ceil(delay) };
    const body = JSON.stringify(message);
    const { MD5OfMessageBody } = await this.client.call('SendMessage', {
      QueueUrl: this.queueUrl,
      MessageBody: body,
      DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delay / 1000)),
    });
    // As the SDK checks: SQS answers the digest of the body it received.
    if (MD5OfMessageBody !== createHash('md5').update(body, 'utf8').digest('hex')) {
      throw new Error('SQS received another message body than the one sent');
    }
  }

  /** Hides a received message for `seconds`: it is handed over again then. */
  async postpone(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.call('ChangeMessageVisibility', {
      QueueUrl: this.queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    });
  }
}

/** How long a task received at `now` still has to wait, in whole seconds, within SQS's limit; 0 when it is due. */
export function waitSeconds(notBefore: number, now: Date): number {
  const left = notBefore - now.getTime();
  return left <= EARLY_TOLERANCE_MS ? 0 : Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(left / 1000));
}

const text = z.string().check(z.minLength(1));
const taskMessage = z.object({ ownerId: text, webhookId: text, deliveryId: text, attempt: z.int(), notBefore: z.number() });
const eventMessage = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.string(),
  resources: z.array(z.string()),
  detail: z.looseObject({ id: text, type: text, timestamp: text }),
});

/** Reads a message's body; throws on one that is neither an event of the bus nor a delivery task. */
export function readMessage(body: string): QueueMessage {
  const parsed: unknown = JSON.parse(body);
  const event = eventMessage.safeParse(parsed);
  if (event.success) {
    // The body as published (not as parsed): it is what subscribers receive, byte for byte.
    const detail = (parsed as { detail: DomainEvent }).detail;
    const audience = event.data.resources.map(userOfResource).filter((user): user is string => user !== undefined);
    return { kind: 'event', publication: { event: detail, audience } };
  }
  const task = taskMessage.safeParse(parsed);
  if (task.success) {
    const { notBefore, ownerId, webhookId, deliveryId, attempt } = task.data;
    return { kind: 'task', task: { ownerId, webhookId, deliveryId, attempt }, notBefore };
  }
  throw new Error('Not a webhook queue message: neither a calendar event nor a delivery task');
}

/** A task received before its time: put back to wait, and reported failed so that SQS keeps it. */
export class NotYetDue extends Error {
  override name = 'NotYetDue';
  constructor(readonly seconds: number) {
    super(`not due for ${seconds} s: put back to wait`);
  }
}

export interface WorkerDeps extends Omit<DeliveryDeps, 'queue'> {
  queue: SqsDeliveryQueue;
  /** Told about every message that failed (not those put back to wait). @default nothing */
  onError?(error: unknown, record: SQSRecord): void;
}

export type SqsBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/**
 * The worker's batch handler (Powertools batch, partial responses): each message is an
 * event to fan out or an attempt to make; a failed one is named in the response, so only
 * it is received again (after the queue's visibility timeout), up to the queue's
 * `maxReceiveCount` and then the dead-letter queue. A batch in which every message failed
 * for a reason other than waiting is a function error, which the stack alarms on.
 */
export function sqsDeliveryWorker(deps: WorkerDeps): SqsBatchHandler {
  const now = () => deps.now?.() ?? new Date();
  return async (event, context) => {
    let failed = 0;
    const handleRecord = async (record: SQSRecord): Promise<void> => {
      try {
        const message = readMessage(record.body);
        if (message.kind === 'event') {
          await fanOut(message.publication, deps);
          return;
        }
        const seconds = waitSeconds(message.notBefore, now());
        if (seconds > 0) {
          await deps.queue.postpone(record.receiptHandle, seconds);
          throw new NotYetDue(seconds);
        }
        await attemptDelivery(message.task, deps);
      } catch (error) {
        if (!(error instanceof NotYetDue)) {
          failed += 1;
          deps.onError?.(error, record);
        }
        throw error;
      }
    };
    const response = await processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      ...(context ? { context } : {}),
      // Waiting messages are reported as failures too: a batch of them is no error.
      throwOnFullBatchFailure: false,
    });
    if (event.Records.length > 0 && failed === event.Records.length) {
      throw new Error(`Every message of the batch failed (${failed}); they are received again`);
    }
    return response;
  };
}
