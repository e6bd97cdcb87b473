import { randomBytes } from 'node:crypto';
import { createWebhook, describeWebhook, secretOf } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { secretBox } from './secret-box';
import { services } from './services';

const { webhooks, config, authentication } = services();

/** POST /api/webhooks/: a new subscription; its secret is shown here (and by rotate) only. */
export const handler = authenticatedRoute(authentication, { body: true }, async ({ body, principal }) => {
  const secret = secretOf(randomBytes(24));
  const webhook = await createWebhook(body, {
    webhooks,
    caller: principal.user,
    policy: config.webhooks.policy,
    now: new Date(),
    secret,
    box: secretBox(),
  });
  return json(201, { ...describeWebhook(webhook), secret });
});
