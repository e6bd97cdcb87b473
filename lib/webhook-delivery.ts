import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../functions/integrations/eventbridge-transport';
import { ApiFunction } from './api-function';
import { deadLetterQueue } from './dead-letter-queue';
import { SECRET_CONTEXT } from '../functions/store/secret-box';

/**
 * The encryption context every webhook signing secret is sealed and opened under; the
 * grants of the secrets' key require it, so the key does nothing else for these functions.
 * It is the application's own (`functions/store/secret-box.ts`), so the two cannot drift.
 */
export const WEBHOOK_SECRET_CONTEXT = SECRET_CONTEXT;

/** The environment variable that tells a function the secrets' key (its ARN). */
export const WEBHOOK_SECRET_KEY_ENV = 'WEBHOOK_SECRET_KEY_ID';

export interface WebhookDeliveryProps {
  /** The service's table: the worker reaches its webhook partition only. */
  table: ITable;
  /** The bus the domain events are published on. */
  bus: IEventBus;
  /** Directory holding the handler modules. */
  functionsDir: string;
  /** IANA zone of the service. @default 'UTC' */
  timeZone?: string;
  /** The functions that hand attempts to the queue (ping, redeliver): told its URL, allowed to send to it only. @default none */
  senders?: readonly ApiFunction[];
  /** The functions that make signing secrets (create, rotate): told the secrets' key, allowed to encrypt with it only. @default none */
  sealers?: readonly ApiFunction[];
  /** The worker's timeout: a batch of 10 POSTs of at most 10 s each, in parallel, and their logging. @default Duration.seconds(60) */
  workerTimeout?: Duration;
  /**
   * Receives of one message before it goes to the dead-letter queue. A retry that waits
   * longer than SQS's 15-minute delay is received once early and put back (see
   * `functions/integrations/sqs-delivery-queue.ts`), so this counts those rounds too. @default 30
   */
  maxReceiveCount?: number;
  /** Worker invocations at once (the event source's maximum concurrency), so that a storm of deliveries cannot take the account's whole Lambda concurrency from the API. @default 20 */
  maxConcurrency?: number;
}

/**
 * Webhook delivery in AWS: a rule on the bus puts every domain event of the service on one
 * queue, where delivery attempts (and their retries, up to 10 hours later) wait too; one
 * worker function fans the events out to the subscriptions that receive them and makes
 * the attempts, reporting failed messages one by one (partial batch responses). A message
 * that keeps failing, or an event the rule could not put on the queue, ends in the
 * dead-letter queue, kept 14 days for an operator to redrive; alarms tell when something
 * lands there and when the worker fails whole batches.
 *
 * Secrets at rest: every attempt must sign with its subscription's secret (HMAC needs the
 * secret itself, so it cannot be stored as a hash). The application seals a secret with a
 * customer-managed KMS key (`secretsKey`) before it stores it: the routes that make secrets
 * (the `sealers`) may only encrypt with the key, this worker alone may decrypt, and both
 * only under the secrets' encryption context. Whoever else reads a webhook item (the
 * other webhook routes, the stream publisher through the table's stream, a backup or an
 * export) sees ciphertext, and every opening is a CloudTrail event. The per-route
 * `dynamodb:LeadingKeys` isolation still keeps the `WEBHOOK#` partition from every other
 * function of the stack. The queue carries no secret (events and task ids only).
 */
export class WebhookDelivery extends Construct {
  /** Where events and delivery attempts wait for the worker. */
  readonly queue: Queue;
  /** Messages the worker kept failing on, and events the rule could not put on the queue. */
  readonly deadLetterQueue: Queue;
  /** Every domain event of the bus to the queue. */
  readonly rule: Rule;
  readonly worker: ApiFunction;
  /** Seals the subscriptions' signing secrets: rotated yearly, and kept when the stack is deleted, as the table is. */
  readonly secretsKey: Key;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: WebhookDeliveryProps) {
    super(scope, id);
    const workerTimeout = props.workerTimeout ?? Duration.seconds(60);

    // A message keeps its first enqueue time when it moves here: 14 days leave it two weeks
    // at least minus its time on the main queue.
    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      'of the webhook queue and of the rule that feeds it, watched by an alarm',
    );

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the worker's timeout, as Lambda advises for SQS event sources: also how
      // long a failed message waits before it is tried again.
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      // Shorter than the dead-letter queue's 14 days (see above); an attempt waits 10 hours at most.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 30 },
    });

    this.rule = new Rule(this, 'EventsToQueue', {
      eventBus: props.bus,
      description: 'Every domain event of the calendar service, to the webhook queue',
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [new SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue })],
    });

    this.secretsKey = new Key(this, 'SecretsKey', {
      description: "Seals the signing secrets of the calendar service's webhook subscriptions before they are stored",
      enableKeyRotation: true,
      // The table outlives the stack (it is retained); without this key its secrets could never be opened again.
      removalPolicy: RemovalPolicy.RETAIN,
      alias: `alias/${Stack.of(this).stackName}/webhook-secrets`,
    });

    this.worker = new ApiFunction(this, 'Worker', {
      functionsDir: props.functionsDir,
      handlerModule: 'integrations/webhook-worker',
      timeZone: props.timeZone,
      timeout: workerTimeout,
    });
    const fn = this.worker.function;
    this.worker.bindTable(props.table, 'readwrite', ['webhook']);
    fn.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
    // Receiving, deleting and ChangeMessageVisibility come with the event source; the worker
    // also sends the next attempt of a delivery, and puts an early one back (ChangeMessageVisibility).
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage', 'sqs:ChangeMessageVisibility'], resources: [this.queue.queueArn] }),
    );
    this.allowSecrets(this.worker, 'kms:Decrypt');
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 20,
      }),
    );

    for (const sender of props.senders ?? []) {
      sender.function.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
      sender.function.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    }

    for (const sealer of props.sealers ?? []) this.allowSecrets(sealer, 'kms:Encrypt');

    const fiveMinutes = Duration.minutes(5);
    this.alarms.push(
      new Alarm(this, 'DeadLetterAlarm', {
        alarmDescription: 'Webhook messages given up on (in the webhook dead-letter queue): deliveries or fan-outs not made',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'WorkerErrorsAlarm', {
        alarmDescription: 'Webhook worker failed whole batches (they are received again)',
        metric: fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Tells the function the secrets' key and lets it do `action` with it, under the secrets'
   * encryption context only. The key policy trusts the account, so this IAM statement is
   * what allows the call.
   */
  private allowSecrets(target: ApiFunction, action: 'kms:Encrypt' | 'kms:Decrypt'): void {
    target.function.addEnvironment(WEBHOOK_SECRET_KEY_ENV, this.secretsKey.keyArn);
    target.function.addToRolePolicy(
      new PolicyStatement({
        actions: [action],
        resources: [this.secretsKey.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_CONTEXT.purpose } },
      }),
    );
  }
}
