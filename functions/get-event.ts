import { readMeeting } from './domain/meeting-changes';
import { describeMeeting } from './domain/meetings';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { meetings, authentication } = services();

/** GET /api/event/{id}/: the meeting itself (unwrapped, as the original answered). */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const meeting = await readMeeting(event.pathParameters?.id ?? '', { meetings, caller: principal.user });
  return json(200, describeMeeting(meeting));
});
