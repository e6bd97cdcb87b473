import { randomBytes } from 'node:crypto';
import { rotateSecret, secretOf } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { secretBox } from './secret-box';
import { services } from './services';

const { webhooks, config, authentication } = services();

/** POST /api/webhooks/{id}/rotate_secret/: a new secret; for 24 hours both sign. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const secret = secretOf(randomBytes(24));
  await rotateSecret(event.pathParameters?.id ?? '', {
    webhooks,
    caller: principal.user,
    policy: config.webhooks.policy,
    now: new Date(),
    secret,
    box: secretBox(),
  });
  return json(200, { secret });
});
