import { answerMeeting } from './domain/guest-answers';
import { describeMeeting } from './domain/meetings';
import { authenticatedRoute } from './http/route-handler';
import { idempotentWrites, requestKeyOf } from './http/idempotency';
import { idempotencyStore } from './idempotency-store';
import { json } from './http/responses';
import { services } from './services';

const { meetings, config, authentication } = services();

/** POST /api/event/{id}/respond/: a guest accepts or declines the meeting for themselves. */
export const handler = authenticatedRoute(
  authentication,
  { body: true, idempotent: idempotentWrites(idempotencyStore()) },
  async ({ event, body, principal }) => {
    const meeting = await answerMeeting(event.pathParameters?.id ?? '', body, {
      meetings,
      caller: principal.user,
      zone: config.timeZone,
      now: new Date(),
      requestKey: requestKeyOf(event),
    });
    return json(200, { response: describeMeeting(meeting) });
  },
);
