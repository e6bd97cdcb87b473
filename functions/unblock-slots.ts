import { unblockSlots } from './domain/availability';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { availability, config, authentication } = services();

/** POST /api/user/unblock_slots/: removes blocked hours from a date of the caller's. */
export const handler = authenticatedRoute(authentication, { body: true }, async ({ body, principal }) => {
  const day = await unblockSlots(body, { availability, caller: principal.user, zone: config.timeZone, now: new Date() });
  return json(200, { response: day });
});
