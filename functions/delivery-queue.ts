/**
 * Where the webhook routes (ping, redeliver) and the delivery worker hand delivery attempts
 * over: the composition root's slot for the delivery queue. A runtime that owns a queue
 * provides it (the local runtime its in-process queue, `local/webhook-queue.ts`); in AWS,
 * where none is provided, it is the SQS queue named by WEBHOOK_QUEUE_URL, which the stack
 * sets on the functions that may send to it.
 */
import { readSetting } from './config';
import type { DeliveryQueue } from './domain/webhooks';
import { SqsDeliveryQueue } from './integrations/sqs-delivery-queue';
import { AwsJsonClient } from './store/aws-json';

let provided: DeliveryQueue | undefined;
let sqs: SqsDeliveryQueue | undefined;

/** Called once by the runtime that owns the queue. */
export function provideDeliveryQueue(queue: DeliveryQueue): void {
  provided = queue;
}

/** The SQS queue of webhook deliveries, built on first use; undefined where WEBHOOK_QUEUE_URL is not set. */
export function sqsDeliveryQueue(): SqsDeliveryQueue | undefined {
  if (!sqs) {
    const queueUrl = readSetting('webhookQueueUrl', process.env);
    if (queueUrl) sqs = new SqsDeliveryQueue(new AwsJsonClient({ service: 'sqs', target: 'AmazonSQS', version: '1.0' }), queueUrl);
  }
  return sqs;
}

export function deliveryQueue(): DeliveryQueue {
  const queue = provided ?? sqsDeliveryQueue();
  if (!queue) throw new Error('No webhook delivery queue was provided to this runtime, and WEBHOOK_QUEUE_URL is not set');
  return queue;
}
