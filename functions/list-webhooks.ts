import { describeWebhook } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { webhooks, authentication } = services();

/** GET /api/webhooks/: the caller's subscriptions, oldest first, without secrets. */
export const handler = authenticatedRoute(authentication, {}, async ({ principal }) => {
  const list = await webhooks.list(principal.user.id);
  return json(200, { results: list.map(describeWebhook) });
});
