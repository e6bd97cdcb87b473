import { randomBytes } from 'node:crypto';
import { createWebhook, describeWebhook, secretOf } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { webhooks, config, authentication } = services();

/** POST /api/webhooks/: a new subscription; its secret is shown here (and by rotate) only. */
export const handler = authenticatedRoute(authentication, { body: true }, async ({ body, principal }) => {
  const webhook = await createWebhook(body, {
    webhooks,
    caller: principal.user,
    policy: config.webhooks.policy,
    now: new Date(),
    secret: secretOf(randomBytes(24)),
  });
  return json(201, { ...describeWebhook(webhook), secret: webhook.secret });
});
