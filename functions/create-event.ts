import { bookMeeting, describeMeeting } from './domain/meetings';
import { authenticatedRoute } from './http/route-handler';
import { idempotentWrites, requestKeyOf } from './http/idempotency';
import { idempotencyStore } from './idempotency-store';
import { businessMetric } from './http/observability';
import { json } from './http/responses';
import { services } from './services';

const { meetings, users, config, authentication, limiter } = services();

/** POST /api/event/: books a meeting organised by the caller. */
export const handler = authenticatedRoute(
  authentication,
  { body: true, idempotent: idempotentWrites(idempotencyStore()) },
  async ({ event, body, principal }) => {
    const meeting = await bookMeeting(body, {
      meetings,
      users,
      caller: principal.user,
      zone: config.timeZone,
      now: new Date(),
      invitations: { limiter, limits: config.invitationLimits },
      requestKey: requestKeyOf(event),
    });
    businessMetric.booked();
    return json(201, { response: describeMeeting(meeting) });
  },
);
