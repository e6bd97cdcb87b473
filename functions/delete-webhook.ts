import { NotFound } from './domain/errors';
import { authenticatedRoute } from './http/route-handler';
import { noContent } from './http/responses';
import { services } from './services';

const { webhooks, authentication } = services();

/** DELETE /api/webhooks/{id}/: 204; another user's or none: 404. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  if (!(await webhooks.delete(principal.user.id, event.pathParameters?.id ?? ''))) throw new NotFound();
  return noContent();
});
