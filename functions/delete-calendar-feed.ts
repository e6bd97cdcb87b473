import { revokeCalendarFeed } from './domain/calendar-feeds';
import { authenticatedRoute } from './http/route-handler';
import { noContent } from './http/responses';
import { services } from './services';

const { feeds, authentication } = services();

/** DELETE /api/user/calendar_feed/: 204; the caller's feed URL, if any, answers 404 from now on. */
export const handler = authenticatedRoute(authentication, {}, async ({ principal }) => {
  await revokeCalendarFeed(principal.user, { feeds });
  return noContent();
});
