import { feedLinks, issueCalendarFeed } from './domain/calendar-feeds';
import { authenticatedRoute } from './http/route-handler';
import { apiOrigin, json } from './http/responses';
import { services } from './services';

const { feeds, authentication } = services();

/** POST /api/user/calendar_feed/: a new secret feed URL for the caller; the previous one stops at once. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const secret = await issueCalendarFeed(principal.user, { feeds, now: new Date() });
  return json(201, feedLinks(apiOrigin(event), secret));
});
