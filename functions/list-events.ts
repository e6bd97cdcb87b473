import { listMeetings } from './domain/meeting-list';
import { authenticatedRoute } from './http/route-handler';
import { absolutePath, json } from './http/responses';
import { services } from './services';

const { meetings, config, authentication } = services();

/** GET /api/event/: the caller's meetings in time order, a page at a time. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const page = await listMeetings(event.queryStringParameters ?? {}, {
    meetings,
    caller: principal.user,
    zone: config.timeZone,
    now: new Date(),
    baseUrl: absolutePath(event),
  });
  return json(200, page);
});
