import { describeWebhook, readWebhook } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { webhooks, authentication } = services();

/** GET /api/webhooks/{id}/: one of the caller's subscriptions (another user's: 404). */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const webhook = await readWebhook(event.pathParameters?.id ?? '', { webhooks, caller: principal.user });
  return json(200, describeWebhook(webhook));
});
