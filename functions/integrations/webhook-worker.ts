/**
 * Lambda entry point on the webhook queue (see `sqs-delivery-queue.ts`): fans the bus's
 * events out to the subscriptions that receive them and makes delivery attempts, with the
 * same delivery code as the local runtime, the store of the composition root and the SSRF
 * guarded POST under the configured URL policy.
 */
import { sqsDeliveryQueue } from '../delivery-queue';
import { logger } from '../http/logger';
import { secretBox } from '../secret-box';
import { services } from '../services';
import { sqsDeliveryWorker } from './sqs-delivery-queue';
import { postWebhook } from './webhook-http';

const queue = sqsDeliveryQueue();
if (!queue) throw new Error('Missing required environment variable WEBHOOK_QUEUE_URL');
const { webhooks, config } = services();

export const handler = sqsDeliveryWorker({
  webhooks,
  // Built at the first delivery: the KMS client only where a secret is opened.
  secrets: { open: (sealed) => secretBox().open(sealed) },
  queue,
  send: (url, body, headers) => postWebhook(new URL(url), body, headers, { policy: config.webhooks.policy }),
  retryScale: config.webhooks.retryScale,
  onError: (error, record) => logger.error('webhook queue message failed', { messageId: record.messageId, error }),
});
