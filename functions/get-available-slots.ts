import { getAvailability } from './domain/availability';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { availability, users, authentication } = services();

/** GET /api/user/get_available_slots/?date=YYYY-MM-DD[&user=<email>] */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const day = await getAvailability(event.queryStringParameters ?? {}, { availability, users, caller: principal.user });
  return json(200, { response: day });
});
