import { deliveryQueue } from './delivery-queue';
import { pingWebhook } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { webhooks, config, authentication } = services();

/** POST /api/webhooks/{id}/ping/: 202; a `webhook.ping` event is on its way. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const delivery = await pingWebhook(event.pathParameters?.id ?? '', {
    webhooks,
    caller: principal.user,
    policy: config.webhooks.policy,
    now: new Date(),
    queue: deliveryQueue(),
  });
  return json(202, { delivery_id: delivery.id, event_id: delivery.eventId });
});
