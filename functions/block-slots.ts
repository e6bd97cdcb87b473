import { blockSlots } from './domain/availability';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { availability, config, authentication } = services();

/** POST /api/user/block_slots/: adds blocked hours to a date of the caller's. */
export const handler = authenticatedRoute(authentication, { body: true }, async ({ body, principal }) => {
  const day = await blockSlots(body, { availability, caller: principal.user, zone: config.timeZone, now: new Date() });
  return json(200, { response: day });
});
