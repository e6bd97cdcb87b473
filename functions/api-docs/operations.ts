/**
 * What each route of the route table does, for the OpenAPI document: one entry per route
 * name, one operation per method. A route is documented by adding its entry here; the
 * document builder (`document.ts`) adds what follows from the route table and the
 * contract (path parameters, security, the error answers every route shares), and a test
 * fails while a route of the table has no entry.
 *
 * Request bodies and query parameters come from the very zod schemas that validate them;
 * answers from `schemas.ts`.
 */
import * as z from 'zod/mini';
import { availabilityQuerySchema, blockSchema, MAX_RANGE_DATES, replaceSchema, unblockSchema } from '../domain/availability';
import {
  MAX_COMMON_DATES,
  MAX_GROUP,
  querySchema as commonTimeQuerySchema,
  requiredQuery as commonTimeRequired,
} from '../domain/common-time';
import { answerSchema } from '../domain/guest-answers';
import { changeSchema as meetingChangeSchema } from '../domain/meeting-changes';
import { MAX_LIMIT, MAX_OFFSET, MAX_PAGE, PAGE_SIZE } from '../domain/meeting-list';
import { newMeetingSchema } from '../domain/meetings';
import { loginSchema, signUpSchema } from '../domain/users';
import { changeSchema as webhookChangeSchema, createSchema as webhookCreateSchema } from '../domain/webhooks';
import type { Method } from '../routes';
import * as answers from './schemas';

/** A query parameter; its schema is a zod schema (converted as a request schema) or JSON Schema. */
export interface QueryParameter {
  name: string;
  description: string;
  schema: z.ZodMiniType | Record<string, unknown>;
  required?: boolean;
  example?: string;
}

/** One documented answer. */
export interface Answer {
  description: string;
  /** The JSON body; a schema registered as a component is referenced by name. */
  body?: z.ZodMiniType;
  example?: unknown;
  /** A body of another media type (HTML, CSS...), by content type. */
  media?: Record<string, Record<string, unknown>>;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

export interface Operation {
  summary: string;
  description?: string;
  tag: string;
  /** Anyone may call it: no credentials. @default false (token, or session + CSRF) */
  public?: true;
  /** Descriptions of the path's `{parameters}`. */
  path?: Record<string, string>;
  query?: QueryParameter[];
  body?: { schema: z.ZodMiniType; example: unknown };
  /** Honours `Idempotency-Key` (409 while the first runs, 422 for another body). */
  idempotent?: true;
  /** Has a budget per caller or address: 429 with Retry-After past it. */
  throttled?: true;
  /** The answers particular to this operation (the shared ones are added by the builder). */
  responses: Record<number, Answer>;
}

export type RouteDocs = Partial<Record<Method, Operation>>;

/** Query parameters from a zod object schema of the domain, described here. */
function queryOf(schema: z.ZodMiniObject, descriptions: Record<string, string>, required: readonly string[] = []): QueryParameter[] {
  return Object.entries(schema.def.shape).map(([name, field]) => ({
    name,
    description: descriptions[name] ?? '',
    schema: field as z.ZodMiniType,
    ...(required.includes(name) && { required: true }),
  }));
}

const rule = (description: string): Answer => ({ description, body: answers.ruleError });
const detail = (description: string): Answer => ({ description, body: answers.detailError });
const notFound = detail('No such thing, or one the caller takes no part in: `{"detail": "Not found."}`.');
const invalid = (description: string): Answer => ({ description, body: answers.validationError });

const user = { id: '01M85MERBQ967RQW0THM9EBQW1', username: 'alice', email: 'alice@example.com' };
const day = {
  id: '01M85MVTDW7XT8DF4ZE9NKXS5W',
  user,
  date: '2026-12-01',
  blocked_slots: [10, 15, 17],
  available_time_slots: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 16, 18, 19, 20, 21, 22, 23],
  created: '2026-11-24 02:06:25',
  modified: '2026-11-24 02:06:25',
};
const meeting = {
  id: '01M85MVTKEZ0ZN5WC6AGRRHKDQ',
  participants: ['alice@example.com', 'bob@example.com'],
  organiser: 'alice@example.com',
  created: '2026-11-24 02:06:25',
  modified: '2026-11-24 02:06:25',
  title: 'Planning',
  description: 'Next quarter',
  time_slot: '2026-12-01 11:00:00',
  status: 'active',
  responses: { 'alice@example.com': 'accepted', 'bob@example.com': 'needs_action' },
};
const webhook = {
  id: '01M85N9Q4Z6W2M3X8K5D7F1B0C',
  url: 'https://example.com/hooks/calendar',
  events: ['meeting.booked', 'meeting.cancelled'],
  description: 'Team calendar sync',
  active: true,
  created: '2026-11-24T02:06:25.123Z',
};
const dateQuery = { type: 'string', format: 'date', example: '2026-12-01' };

export const operations: Record<string, RouteDocs> = {
  Health: {
    GET: {
      summary: 'Is the service up?',
      tag: 'Service',
      public: true,
      responses: { 200: { description: 'Up.', body: answers.health, example: { status: 'ok' } } },
    },
  },
  SignUp: {
    POST: {
      summary: 'Sign up',
      description:
        'username: 1..150 letters, digits and `@.+-_`, unique case-insensitively (and not confusable with an existing one); ' +
        'email: unique case-insensitively, stored lower-cased; password: at least 8 characters, not entirely numeric, ' +
        'not too similar to the username or email.',
      tag: 'Users',
      public: true,
      throttled: true,
      body: { schema: signUpSchema, example: { username: 'alice', email: 'alice@example.com', password: 'correct-horse-42' } },
      responses: {
        201: { description: 'The new user.', body: answers.user, example: user },
        400: invalid('A field is invalid, or the username or email is taken.'),
      },
    },
  },
  Login: {
    POST: {
      summary: 'Log in',
      description:
        'Returns a new API token (send it as `Authorization: Token <auth_token>`) and sets the `sessionid` and `csrftoken` cookies for browsers.',
      tag: 'Users',
      public: true,
      throttled: true,
      body: { schema: loginSchema, example: { username: 'alice', password: 'correct-horse-42' } },
      responses: {
        200: {
          description: 'Logged in.',
          body: answers.loginAnswer,
          example: { is_authenticated: true, user, auth_token: '7fefbc55d3a1c0e9b2f4a6d8c0e2f4a6b8d0f2a4c6e8a0b2d4f6a8c0e2b483e7e8' },
        },
        400: invalid('A field is missing or invalid.'),
        401: rule('Wrong username or password (the same answer for both): `{"err_message": ["Credentials were not correct"]}`.'),
      },
    },
  },
  GetDetail: {
    GET: {
      summary: 'Who am I?',
      tag: 'Users',
      responses: { 200: { description: "The caller, in the login answer's shape.", body: answers.loginAnswer } },
    },
  },
  Logout: {
    POST: {
      summary: 'Log out everywhere',
      description: 'Revokes every API token and session of the user; both are refused afterwards.',
      tag: 'Users',
      responses: { 200: { description: 'Logged out.', body: answers.loggedOut, example: { logged_out: true } } },
    },
  },
  BlockSlots: {
    POST: {
      summary: 'Block hours of a date',
      description:
        "Adds the hours to the date's blocks (never replaces them). An hour holding one of the caller's active meetings refuses the whole request.",
      tag: 'Availability',
      body: { schema: blockSchema, example: { date: '2026-12-01', blocked_slots: [10, 15, 17] } },
      responses: {
        200: { description: 'The day as it now is.', body: answers.dayAnswer, example: { response: day } },
        400: rule(
          "Invalid fields, a past date (`Slots can't be defined for past date`), or `There is already an event booked at time slot : <hour>`.",
        ),
      },
    },
  },
  GetAvailableSlots: {
    GET: {
      summary: "A user's availability on a date or a range of dates",
      description: `Give \`date\`, or \`from\` and \`to\` (at most ${MAX_RANGE_DATES} dates; then the answer holds one day per date).`,
      tag: 'Availability',
      query: queryOf(availabilityQuerySchema, {
        date: 'The date (`YYYY-MM-DD`).',
        from: 'First date of a range (with `to`, instead of `date`).',
        to: 'Last date of a range, inclusive.',
        user: "Whose availability (an email); the caller's when left out.",
      }),
      responses: {
        200: {
          description: 'One day (`date`) or one per date of the range (`from`, `to`).',
          body: answers.availabilityAnswer,
          example: { response: day },
        },
        400: invalid('A missing or bad date, a bad range, or `Invalid email "<email>" - object does not exist.` on `user`.'),
      },
    },
  },
  UnblockSlots: {
    POST: {
      summary: 'Unblock hours of a date',
      description: 'An hour that was not blocked is ignored; hours held by meetings are not blocks and stay unavailable.',
      tag: 'Availability',
      body: { schema: unblockSchema, example: { date: '2026-12-01', unblocked_slots: [15] } },
      responses: {
        200: { description: 'The day as it now is.', body: answers.dayAnswer, example: { response: day } },
        400: rule("Invalid fields, or a past date (`Slots can't be defined for past date`)."),
      },
    },
  },
  ReplaceBlockedSlots: {
    PUT: {
      summary: "Set a date's blocks to exactly a list",
      description: 'Idempotent; `[]` unblocks every hour. An hour of the list holding an active meeting refuses the whole request.',
      tag: 'Availability',
      path: { date: 'The date, `YYYY-MM-DD`, today or later.' },
      body: { schema: z.omit(replaceSchema, { date: true }), example: { blocked_slots: [8, 9] } },
      responses: {
        200: { description: 'The day as it now is.', body: answers.dayAnswer, example: { response: day } },
        400: rule('A bad date or list, a past date, or `There is already an event booked at time slot : <hour>`.'),
      },
    },
  },
  CommonAvailability: {
    GET: {
      summary: 'When a group is free together',
      description: `The caller and up to ${MAX_GROUP - 1} others, over at most ${MAX_COMMON_DATES} dates.`,
      tag: 'Availability',
      query: queryOf(
        commonTimeQuerySchema,
        {
          users: 'Emails of the others, separated by commas (the caller is always in the group, first).',
          from: 'First date, `YYYY-MM-DD`.',
          to: 'Last date, inclusive.',
        },
        commonTimeRequired,
      ),
      responses: {
        200: { description: 'The common free hours and the best ones.', body: answers.commonTime },
        400: invalid('Missing or bad fields, too many people or dates, or `Invalid email "<email>" - object does not exist.` on `users`.'),
      },
    },
  },
  CreateEvent: {
    POST: {
      summary: 'Book a meeting',
      description:
        'The caller organises it and is always a participant. Every participant must be free at that hour: neither blocked ' +
        '(`Time slot is not available for user : <email>`) nor in another active meeting (`Time slot is conflicting with another event for user : <email>`). ' +
        'Atomic: two bookings can never both take one person’s hour.',
      tag: 'Events',
      idempotent: true,
      throttled: true,
      body: {
        schema: newMeetingSchema,
        example: { title: 'Planning', time_slot: '2026-12-01 11:00:00', description: 'Next quarter', participants: ['bob@example.com'] },
      },
      responses: {
        201: { description: 'Booked.', body: answers.meetingAnswer, example: { response: meeting } },
        400: rule('Invalid fields, an unknown participant, a past or non-hourly time slot, or someone not free.'),
      },
    },
  },
  ListEvents: {
    GET: {
      summary: "The caller's meetings",
      description: `From now on (or in \`from\`..\`to\`), organised or invited, active and cancelled, in time order, ${PAGE_SIZE} a page. Follow \`next\` and \`previous\`.`,
      tag: 'Events',
      query: [
        {
          name: 'status',
          description: 'Only `active` or only `cancelled` meetings.',
          schema: { type: 'string', enum: ['active', 'cancelled'] },
        },
        { name: 'from', description: 'From this date (may be in the past) instead of from now.', schema: dateQuery },
        { name: 'to', description: 'Up to this date, inclusive.', schema: dateQuery },
        { name: 'cursor', description: 'An opaque cursor, as `next` and `previous` carry it.', schema: { type: 'string' } },
        { name: 'limit', description: `Page size (at most ${MAX_LIMIT}), with \`offset\`.`, schema: { type: 'integer', minimum: 1 } },
        { name: 'offset', description: `Meetings to skip (at most ${MAX_OFFSET}).`, schema: { type: 'integer', minimum: 0 } },
        { name: 'page', description: `Page number, ${PAGE_SIZE} a page (at most ${MAX_PAGE}).`, schema: { type: 'integer', minimum: 1 } },
      ],
      responses: {
        200: {
          description: 'A page of meetings.',
          body: answers.meetingPage,
          example: { count: 1, next: null, previous: null, results: [meeting] },
        },
        400: invalid('A bad filter, or an offset or page beyond the deepest one.'),
        404: detail('A page that does not exist: `{"detail": "Invalid page."}`.'),
      },
    },
  },
  GetEvent: {
    GET: {
      summary: 'One meeting',
      tag: 'Events',
      path: { id: 'The meeting id.' },
      responses: { 200: { description: 'The meeting itself (not wrapped).', body: answers.meeting, example: meeting }, 404: notFound },
    },
  },
  UpdateEvent: {
    PUT: {
      summary: 'Change a meeting (every field)',
      description:
        'Only the organiser (a guest gets 403). `participants` is the full list and must hold the organiser. Cancelling frees every hour; every rule of booking holds for the new state, atomically.',
      tag: 'Events',
      path: { id: 'The meeting id.' },
      idempotent: true,
      throttled: true,
      body: {
        schema: meetingChangeSchema,
        example: {
          title: 'Planning',
          time_slot: '2026-12-01 12:00:00',
          description: null,
          participants: ['alice@example.com', 'bob@example.com'],
          status: 'active',
        },
      },
      responses: {
        200: { description: 'Changed.', body: answers.meetingAnswer, example: { response: meeting } },
        400: rule('Invalid fields, `Event organiser can not be removed`, or a booking rule.'),
        403: detail('A guest may not change the meeting, or the CSRF check failed.'),
        404: notFound,
        409: detail('A concurrent change of the meeting won, or a request with this Idempotency-Key still runs.'),
      },
    },
    PATCH: {
      summary: 'Change a meeting (any fields)',
      description: 'As PUT, with any subset of the fields.',
      tag: 'Events',
      path: { id: 'The meeting id.' },
      idempotent: true,
      throttled: true,
      body: { schema: z.partial(meetingChangeSchema), example: { status: 'cancelled' } },
      responses: {
        200: { description: 'Changed.', body: answers.meetingAnswer, example: { response: { ...meeting, status: 'cancelled' } } },
        400: rule('Invalid fields, `Event organiser can not be removed`, or a booking rule.'),
        403: detail('A guest may not change the meeting, or the CSRF check failed.'),
        404: notFound,
        409: detail('A concurrent change of the meeting won, or a request with this Idempotency-Key still runs.'),
      },
    },
  },
  RespondToEvent: {
    POST: {
      summary: 'Accept or decline a meeting, as a guest',
      description:
        "Declining frees the guest's hour in the same transaction; accepting again takes it back under booking's checks and messages. A declined guest still lists the meeting. The same answer again changes nothing.",
      tag: 'Events',
      path: { id: 'The meeting id.' },
      idempotent: true,
      throttled: true,
      body: { schema: answerSchema, example: { response: 'declined' } },
      responses: {
        200: {
          description: 'Answered: the meeting with every answer as it now is.',
          body: answers.meetingAnswer,
          example: { response: { ...meeting, responses: { 'alice@example.com': 'accepted', 'bob@example.com': 'declined' } } },
        },
        400: rule(
          'An invalid `response`, `Event organiser can not decline, cancel the event instead`, `Event is cancelled`, or a booking rule when accepting takes the hour back.',
        ),
        403: detail('The CSRF check failed.'),
        404: notFound,
        409: detail('The meeting moved meanwhile, other changes kept winning, or a request with this Idempotency-Key still runs.'),
      },
    },
  },
  CreateWebhook: {
    POST: {
      summary: 'Subscribe a webhook',
      description:
        'At most 10 per user. `url`: https (http and loopback only where the deployment allows them). The secret is shown here and by rotate only.',
      tag: 'Webhooks',
      body: {
        schema: webhookCreateSchema,
        example: { url: 'https://example.com/hooks/calendar', events: ['meeting.booked'], description: 'Team calendar sync' },
      },
      responses: {
        201: {
          description: 'Subscribed.',
          body: answers.newWebhook,
          example: { ...webhook, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
        },
        400: rule('Invalid fields or URL, or the 10 subscriptions are reached.'),
      },
    },
  },
  ListWebhooks: {
    GET: {
      summary: "The caller's webhooks",
      tag: 'Webhooks',
      responses: { 200: { description: 'Oldest first, without secrets.', body: answers.webhookList, example: { results: [webhook] } } },
    },
  },
  GetWebhook: {
    GET: {
      summary: 'One webhook',
      tag: 'Webhooks',
      path: { id: 'The subscription id.' },
      responses: { 200: { description: 'The subscription.', body: answers.webhook, example: webhook }, 404: notFound },
    },
  },
  UpdateWebhook: {
    PATCH: {
      summary: 'Change a webhook',
      tag: 'Webhooks',
      path: { id: 'The subscription id.' },
      body: { schema: webhookChangeSchema, example: { active: false } },
      responses: {
        200: { description: 'Changed.', body: answers.webhook, example: { ...webhook, active: false } },
        400: invalid('Invalid fields or URL.'),
        404: notFound,
      },
    },
  },
  DeleteWebhook: {
    DELETE: {
      summary: 'Delete a webhook',
      tag: 'Webhooks',
      path: { id: 'The subscription id.' },
      responses: { 204: { description: 'Deleted.' }, 404: notFound },
    },
  },
  RotateWebhookSecret: {
    POST: {
      summary: "Rotate a webhook's secret",
      description: 'For 24 hours deliveries are signed with both the new and the old secret.',
      tag: 'Webhooks',
      path: { id: 'The subscription id.' },
      responses: { 200: { description: 'The new secret.', body: answers.rotatedSecret }, 404: notFound },
    },
  },
  PingWebhook: {
    POST: {
      summary: 'Ping a webhook',
      tag: 'Webhooks',
      path: { id: 'The subscription id.' },
      responses: { 202: { description: 'A `webhook.ping` event is on its way.', body: answers.pingAccepted }, 404: notFound },
    },
  },
  ListWebhookDeliveries: {
    GET: {
      summary: "A webhook's deliveries",
      tag: 'Webhooks',
      path: { id: 'The subscription id.' },
      responses: { 200: { description: 'The last 100, newest first.', body: answers.deliveryList }, 404: notFound },
    },
  },
  RedeliverWebhookDelivery: {
    POST: {
      summary: 'Send a delivery again',
      tag: 'Webhooks',
      path: { id: 'The subscription id.', delivery_id: 'The delivery id.' },
      responses: {
        202: { description: 'Sent again now, under the same `webhook-id`.', body: answers.redeliveryAccepted },
        404: notFound,
        409: detail('The delivery changed meanwhile; retry.'),
      },
    },
  },
  GetEventIcs: {
    GET: {
      summary: 'A meeting as a calendar file',
      description: 'The meeting as an iCalendar (RFC 5545) file with one VEVENT, for a participant: to add it to a calendar app.',
      tag: 'Calendars',
      path: { id: 'The meeting id.' },
      responses: {
        200: { description: 'The calendar file.', media: { 'text/calendar': { type: 'string' } } },
        404: notFound,
      },
    },
  },
  CreateCalendarFeed: {
    POST: {
      summary: 'Make (or replace) my calendar feed',
      description:
        'A secret URL of an iCalendar feed of the caller’s meetings (30 days back, 365 ahead), to subscribe to from Google, Apple or Outlook calendars. Calling it again replaces the secret: the previous URL answers 404 at once.',
      tag: 'Calendars',
      responses: {
        201: { description: 'The feed’s URLs.', body: answers.calendarFeed },
        403: detail('The CSRF check failed.'),
        409: detail('Another change of the feed came at the same moment; retry.'),
      },
    },
  },
  DeleteCalendarFeed: {
    DELETE: {
      summary: 'End my calendar feed',
      description: 'Its URL answers 404 at once.',
      tag: 'Calendars',
      responses: {
        204: { description: 'Ended (or there was none).' },
        403: detail('The CSRF check failed.'),
        409: detail('Another change of the feed came at the same moment; retry.'),
      },
    },
  },
  CalendarFeed: {
    GET: {
      summary: 'A calendar feed',
      description:
        'The owner’s meetings as an iCalendar (RFC 5545) feed: one VEVENT per meeting from 30 days ago to 365 days ahead (UID stable, SEQUENCE = version, ORGANIZER, ATTENDEE with PARTSTAT from the answers, STATUS:CANCELLED when cancelled). The path segment is `<secret>.ics`; the secret is the only credential. `ETag` and `If-None-Match` for cheap refreshes.',
      tag: 'Calendars',
      public: true,
      path: { feed: '`<secret>.ics`, as `url` of the feed names it.' },
      responses: {
        200: { description: 'The feed.', media: { 'text/calendar': { type: 'string' } } },
        304: { description: 'Not modified (`If-None-Match` named its current ETag).' },
        404: notFound,
      },
    },
  },
  OpenApi: {
    GET: {
      summary: 'This document',
      description: 'The OpenAPI 3.1 description of every route, generated from the schemas that validate requests.',
      tag: 'Service',
      public: true,
      responses: {
        200: { description: 'The OpenAPI document.', body: answers.openApiDocument },
        304: { description: 'Not modified (`If-None-Match` named its current ETag).' },
      },
    },
  },
  ApiDocs: {
    GET: {
      summary: 'The API docs page',
      description: 'A page that renders this document and lets a person try the calls.',
      tag: 'Service',
      public: true,
      responses: {
        200: { description: 'The page.', media: { 'text/html': { type: 'string' } } },
        304: { description: 'Not modified (`If-None-Match` named its current ETag).' },
      },
    },
  },
  ApiDocsAsset: {
    GET: {
      summary: 'A file of the docs page (scripts, styles, icons)',
      tag: 'Service',
      public: true,
      path: { asset: 'The file name.' },
      responses: {
        200: {
          description: 'The file; with `?v=` naming its current version it may be cached for a year.',
          media: {
            'text/javascript': { type: 'string' },
            'text/css': { type: 'string' },
            'image/png': { type: 'string', contentMediaType: 'image/png' },
          },
        },
        304: { description: 'Not modified (`If-None-Match` named its current ETag).' },
        404: notFound,
      },
    },
  },
  WebApp: {
    GET: {
      summary: 'The web calendar',
      description:
        'A page for people: sign up, log in, block hours, see a week, find a common time and book it, answer and manage meetings. It calls this API from the same origin with the session cookie and `X-CSRFToken`.',
      tag: 'Service',
      public: true,
      responses: {
        200: { description: 'The page.', media: { 'text/html': { type: 'string' } } },
        304: { description: 'Not modified (`If-None-Match` named its current ETag).' },
      },
    },
  },
  WebAppAsset: {
    GET: {
      summary: 'A file of the web calendar (script, stylesheet, icon)',
      tag: 'Service',
      public: true,
      path: { asset: 'The file name.' },
      responses: {
        200: {
          description: 'The file; with `?v=` naming its current version it may be cached for a year.',
          media: {
            'text/javascript': { type: 'string' },
            'text/css': { type: 'string' },
            'image/svg+xml': { type: 'string' },
          },
        },
        304: { description: 'Not modified (`If-None-Match` named its current ETag).' },
        404: notFound,
      },
    },
  },
};
