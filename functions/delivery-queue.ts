/**
 * Where the webhook routes (ping, redeliver) hand delivery attempts over: the composition
 * root's slot for the delivery queue. The runtime provides it: the local runtime its
 * in-process queue (`local/webhook-queue.ts`).
 */
import type { DeliveryQueue } from './domain/webhooks';

let provided: DeliveryQueue | undefined;

/** Called once by the runtime that owns the queue. */
export function provideDeliveryQueue(queue: DeliveryQueue): void {
  provided = queue;
}

export function deliveryQueue(): DeliveryQueue {
  if (!provided) throw new Error('No webhook delivery queue was provided to this runtime');
  return provided;
}
