import { changeMeeting } from './domain/meeting-changes';
import { describeMeeting } from './domain/meetings';
import { authenticatedRoute } from './http/route-handler';
import { idempotentWrites, requestKeyOf } from './http/idempotency';
import { idempotencyStore } from './idempotency-store';
import { json } from './http/responses';
import { services } from './services';

const { meetings, users, config, authentication, limiter } = services();

/** PUT (every field) and PATCH (any of them) /api/event/{id}/, for the organiser. */
export const handler = authenticatedRoute(
  authentication,
  { body: true, idempotent: idempotentWrites(idempotencyStore()) },
  async ({ event, body, principal }) => {
    const meeting = await changeMeeting(event.pathParameters?.id ?? '', body, {
      meetings,
      users,
      caller: principal.user,
      zone: config.timeZone,
      now: new Date(),
      partial: event.requestContext.http.method.toUpperCase() === 'PATCH',
      invitations: { limiter, limits: config.invitationLimits },
      requestKey: requestKeyOf(event),
    });
    return json(200, { response: describeMeeting(meeting) });
  },
);
