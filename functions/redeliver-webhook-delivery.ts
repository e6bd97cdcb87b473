import { deliveryQueue } from './delivery-queue';
import { redeliver } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { webhooks, config, authentication } = services();

/** POST /api/webhooks/{id}/deliveries/{delivery_id}/redeliver/: 202; sent again under the same webhook-id. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const { id = '', delivery_id: deliveryId = '' } = event.pathParameters ?? {};
  await redeliver(id, deliveryId, {
    webhooks,
    caller: principal.user,
    policy: config.webhooks.policy,
    now: new Date(),
    queue: deliveryQueue(),
  });
  return json(202, { delivery_id: deliveryId });
});
