import { describeDelivery, listDeliveries } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { webhooks, authentication } = services();

/** GET /api/webhooks/{id}/deliveries/: the last 100 deliveries, newest first. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const deliveries = await listDeliveries(event.pathParameters?.id ?? '', { webhooks, caller: principal.user });
  return json(200, { results: deliveries.map(describeDelivery) });
});
