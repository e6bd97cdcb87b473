import { deleteWebhook } from './domain/webhooks';
import { authenticatedRoute } from './http/route-handler';
import { noContent } from './http/responses';
import { services } from './services';

const { webhooks, authentication } = services();

/** DELETE /api/webhooks/{id}/: 204; another user's or none: 404. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  await deleteWebhook(event.pathParameters?.id ?? '', { webhooks, caller: principal.user });
  return noContent();
});
