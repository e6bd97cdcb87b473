import { changeWebhook, describeWebhook } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { webhooks, config, authentication } = services();

/** PATCH /api/webhooks/{id}/: changes url, events, description or active. */
export const handler = authenticatedRoute(authentication, { body: true }, async ({ event, body, principal }) => {
  const webhook = await changeWebhook(event.pathParameters?.id ?? '', body, {
    webhooks,
    caller: principal.user,
    policy: config.webhooks.policy,
    now: new Date(),
  });
  return json(200, describeWebhook(webhook));
});
