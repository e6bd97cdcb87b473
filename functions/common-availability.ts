import { findCommonTime } from './domain/common-time';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { availability, users, config, authentication } = services();

/** GET /api/availability/common/?users=<email>,...&from=YYYY-MM-DD&to=YYYY-MM-DD */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const common = await findCommonTime(event.queryStringParameters ?? {}, {
    availability,
    users,
    caller: principal.user,
    zone: config.timeZone,
    now: new Date(),
  });
  return json(200, common);
});
