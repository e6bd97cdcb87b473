import { bookMeeting, describeMeeting } from './domain/meetings';
import { authenticatedRoute } from './http/authenticated-route';
import { idempotentWrites } from './http/idempotency';
import { json } from './http/responses';
import { services } from './services';

const { meetings, users, config } = services();

/** POST /api/event/: books a meeting organised by the caller. */
export const handler = authenticatedRoute({ body: true, idempotent: idempotentWrites() }, async ({ body, principal }) => {
  const meeting = await bookMeeting(body, { meetings, users, caller: principal.user, zone: config.timeZone, now: new Date() });
  return json(201, { response: describeMeeting(meeting) });
});
