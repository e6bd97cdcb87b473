import { replaceBlocks } from './domain/availability';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { availability, config, authentication } = services();

/** PUT /api/user/blocked_slots/{date}/: the caller's blocks on that date become exactly the list. */
export const handler = authenticatedRoute(authentication, { body: true }, async ({ event, body, principal }) => {
  const day = await replaceBlocks(event.pathParameters?.date ?? '', body, {
    availability,
    caller: principal.user,
    zone: config.timeZone,
    now: new Date(),
  });
  return json(200, { response: day });
});
