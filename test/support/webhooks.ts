/**
 * Webhook delivery for tests that call the handlers in-process: the local runtime's queue
 * and the very delivery code, wired as `npm start` wires them, with real HTTP.
 */
import { provideDeliveryQueue } from '../../functions/delivery-queue';
import type { DeliveryTask } from '../../functions/domain/webhooks';
import { attemptDelivery, type DeliveryDeps, fanOut } from '../../functions/integrations/webhook-delivery';
import { postWebhook, type PostOptions } from '../../functions/integrations/webhook-http';
import { secretBox } from '../../functions/secret-box';
import { services } from '../../functions/services';
import { InProcessDeliveryQueue } from '../../local/webhook-queue';
import type { EventListener } from '../../local/event-bus';

export interface Deliveries {
  queue: InProcessDeliveryQueue;
  deps: DeliveryDeps;
  /** The bus subscriber that fans events out to subscriptions. */
  fanOut: EventListener;
  /** Every task the queue was handed. */
  tasks: DeliveryTask[];
}

/** A delivery queue as `npm start` has it, provided to the webhook routes. */
export function useDeliveries(options: Partial<PostOptions> = {}): Deliveries {
  const { webhooks, config } = services();
  const tasks: DeliveryTask[] = [];
  const queue = new InProcessDeliveryQueue({ run: (task) => attemptDelivery(task, deps), onError: () => undefined });
  const enqueue = queue.enqueue.bind(queue);
  queue.enqueue = (task, delayMs) => {
    tasks.push(task);
    return enqueue(task, delayMs);
  };
  const deps: DeliveryDeps = {
    webhooks,
    secrets: secretBox(),
    queue,
    send: (url, body, headers) => postWebhook(new URL(url), body, headers, { policy: config.webhooks.policy, ...options }),
    retryScale: config.webhooks.retryScale,
  };
  provideDeliveryQueue(queue);
  return { queue, deps, tasks, fanOut: async (publication) => void (await fanOut(publication, deps)) };
}
