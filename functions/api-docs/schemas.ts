/**
 * What the API answers, described once: every response body of the contract as a zod
 * schema, registered under the name the OpenAPI document gives its component. The
 * document is generated from these (and from the request schemas the domain validates
 * with); the contract test checks real answers against it, and the type checks at the end
 * of this file fail the build when a domain answer and its schema part ways.
 */
import * as z from 'zod/mini';
import type { CommonTime } from '../domain/common-time';
import type { DayAvailability } from '../domain/availability';
import type { describeLogin } from '../domain/auth';
import type { describeMeeting } from '../domain/meetings';
import type { feedLinks } from '../domain/calendar-feeds';
import type { listMeetings } from '../domain/meeting-list';
import type { PublicUser } from '../domain/users';
import { type describeDelivery, type describeWebhook, WEBHOOK_EVENT_TYPES } from '../domain/webhooks';

/**
 * Names a schema as a component of the document (`#/components/schemas/<id>`). zod keeps
 * names and descriptions in its global registry, where the request schemas' field
 * metadata lives too, so that one conversion sees both.
 */
function component<T extends z.ZodMiniType>(schema: T, meta: { id: string; description: string; examples?: unknown[] }): T {
  z.globalRegistry.add(schema, meta);
  return schema;
}

const documented = <T extends z.ZodMiniType>(schema: T, description: string, examples?: unknown[]) =>
  schema.check(z.meta({ description, ...(examples ? { examples } : {}) }));

const timestamp = documented(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)), '`YYYY-MM-DD HH:MM:SS`, UTC.', [
  '2026-11-24 02:06:25',
]);
const timeSlot = documented(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2} \d{2}:00:00$/)), 'A whole hour in the service time zone.', [
  '2026-12-01 10:00:00',
]);
const date = documented(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)), '`YYYY-MM-DD`.', ['2026-12-01']);
const hours = z.array(z.int().check(z.minimum(0), z.maximum(23)));
const email = documented(z.string(), 'An email address, lower-cased.', ['alice@example.com']);
const isoInstant = documented(z.string(), 'ISO-8601, UTC.', ['2026-11-24T02:06:25.123Z']);
const link = z.nullable(documented(z.string().check(z.url()), 'An absolute URL of another page, to follow as is.'));

export const user = z.strictObject({ id: z.string(), username: z.string(), email });
component(user, { id: 'User', description: 'A user as the API shows it.' });

export const loginAnswer = z.strictObject({
  is_authenticated: z.literal(true),
  user,
  auth_token: z.nullable(documented(z.string(), 'The API token: send it as `Authorization: Token <auth_token>`.')),
});
component(loginAnswer, { id: 'Login', description: "The caller, with the API token (the login answer's shape)." });

export const day = z.strictObject({
  id: z.nullable(z.string()),
  user,
  date,
  blocked_slots: documented(hours, "Blocked hours and hours holding the user's active meetings, sorted."),
  available_time_slots: documented(hours, 'The other hours, sorted.'),
  created: z.nullable(timestamp),
  modified: z.nullable(timestamp),
});
component(day, {
  id: 'Day',
  description: "A user's availability on a date. A date with nothing defined has all 24 hours available and null id, created, modified.",
});

export const dayAnswer = z.strictObject({ response: day });
component(dayAnswer, { id: 'DayAnswer', description: 'A day of availability.' });
export const daysAnswer = z.strictObject({ response: z.array(day) });
component(daysAnswer, { id: 'DaysAnswer', description: 'One day object per date of the range, in order.' });
export const availabilityAnswer = z.union([dayAnswer, daysAnswer]);
component(availabilityAnswer, { id: 'AvailabilityAnswer', description: 'One day (`date`), or one per date of a range (`from`, `to`).' });

export const meeting = z.strictObject({
  id: z.string(),
  participants: documented(z.array(email), 'Every participant, the organiser first.'),
  organiser: email,
  created: timestamp,
  modified: timestamp,
  title: z.string(),
  description: z.nullable(z.string()),
  time_slot: timeSlot,
  status: z.enum(['active', 'cancelled']),
  responses: documented(
    z.record(z.string(), z.enum(['accepted', 'declined', 'needs_action'])),
    "Every participant's answer, by email: the organiser `accepted`; a guest `needs_action` until they answer.",
    [{ 'alice@example.com': 'accepted', 'bob@example.com': 'needs_action' }],
  ),
});
component(meeting, { id: 'Event', description: 'A meeting (the contract calls it an event).' });

export const meetingAnswer = z.strictObject({ response: meeting });
component(meetingAnswer, { id: 'EventAnswer', description: 'The meeting as it now is.' });

export const meetingPage = z.strictObject({
  count: documented(z.int().check(z.minimum(0)), 'How many meetings match, on every page.'),
  next: link,
  previous: link,
  results: z.array(meeting),
});
component(meetingPage, { id: 'EventPage', description: 'One page of the caller’s meetings, in time order.' });

const hourChoice = z.strictObject({ time_slot: timeSlot, free: z.array(email), busy: z.array(email) });
export const commonTime = z.strictObject({
  users: documented(z.array(email), 'The group, the caller first.'),
  from: date,
  to: date,
  common: documented(z.array(timeSlot), 'Every future hour of the range free for all, in time order.'),
  best: documented(z.array(hourChoice), 'The 10 future hours with the most free people, most first, then earliest.'),
});
component(commonTime, { id: 'CommonTime', description: 'When a group is free together.' });

const eventType = z.enum(['*', ...WEBHOOK_EVENT_TYPES]);
export const webhook = z.strictObject({
  id: z.string(),
  url: z.string().check(z.url()),
  events: z.array(eventType),
  description: z.string(),
  active: z.boolean(),
  created: isoInstant,
});
component(webhook, { id: 'Webhook', description: 'A webhook subscription (never its secret).' });

const secret = documented(z.string().check(z.regex(/^whsec_[A-Za-z0-9+/=]+$/)), 'The signing secret: shown only when made.', [
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
]);
export const newWebhook = z.strictObject({ ...webhook.def.shape, secret });
component(newWebhook, { id: 'NewWebhook', description: 'A new subscription, with its signing secret.' });
export const webhookList = z.strictObject({ results: z.array(webhook) });
component(webhookList, { id: 'WebhookList', description: "The caller's subscriptions, oldest first." });
export const rotatedSecret = z.strictObject({ secret });
component(rotatedSecret, { id: 'NewSecret', description: 'The new signing secret; for 24 hours the old one signs too.' });

export const delivery = z.strictObject({
  id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.int().check(z.minimum(0)),
  last_status_code: z.nullable(z.int()),
  last_error: z.nullable(z.string()),
  next_attempt_at: z.nullable(isoInstant),
  created: isoInstant,
});
component(delivery, { id: 'Delivery', description: 'One delivery of an event to a subscription.' });
export const deliveryList = z.strictObject({ results: z.array(delivery) });
component(deliveryList, { id: 'DeliveryList', description: 'The last 100 deliveries, newest first.' });
export const pingAccepted = z.strictObject({ delivery_id: z.string(), event_id: z.string() });
component(pingAccepted, { id: 'PingAccepted', description: 'A `webhook.ping` event is on its way.' });
export const redeliveryAccepted = z.strictObject({ delivery_id: z.string() });
component(redeliveryAccepted, { id: 'RedeliveryAccepted', description: 'The delivery is sent again, under the same `webhook-id`.' });

export const health = z.strictObject({ status: z.literal('ok') });
component(health, { id: 'Health', description: 'The service is up.' });
export const loggedOut = z.strictObject({ logged_out: z.literal(true) });
component(loggedOut, { id: 'LoggedOut', description: 'Every token and session of the user is revoked.' });

/** The contract's error shapes. */
export const validationError = z.catchall(
  z.object({
    err_message: documented(z.array(z.string()), 'Every message as `<field>: <message>`.'),
    choices: z.optional(
      documented(z.record(z.string(), z.array(z.string())), 'For a field refused as not a valid choice: the values it takes.', [
        { status: ['active', 'cancelled'] },
      ]),
    ),
  }),
  documented(z.array(z.string()), "A field's messages."),
);
component(validationError, {
  id: 'ValidationError',
  description: 'Invalid fields (400): each field with its messages, and every message once more in `err_message`.',
  examples: [{ date: ['This field is required.'], err_message: ['date: This field is required.'] }],
});
export const ruleError = z.strictObject({ err_message: z.array(z.string()).check(z.minLength(1)) });
component(ruleError, {
  id: 'RuleError',
  description: 'A business rule refused the request (400), or the login credentials were wrong (401). Clients match on the message.',
  examples: [{ err_message: ['Time slot is conflicting with another event for user : bob@example.com'] }],
});
export const detailError = z.strictObject({
  detail: z.string(),
  hint: z.optional(documented(z.string(), 'How to get it right, when the request shows a likely slip (such as a `Bearer` scheme).')),
});
component(detailError, {
  id: 'Detail',
  description: 'Credentials, permission, not found, malformed requests, throttling and the like.',
  examples: [{ detail: 'Authentication credentials were not provided.' }],
});
export const badRequest = z.union([validationError, ruleError, detailError]);
component(badRequest, {
  id: 'BadRequest',
  description: 'A 400: invalid fields, a business rule, or a malformed request (not JSON, not an object, nested too deep).',
});

export const calendarFeed = z.strictObject({
  url: documented(z.string().check(z.url()), 'The feed: subscribe to it from a calendar app. It carries its own secret: keep it private.', [
    'https://api.example.com/api/calendar/3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics',
  ]),
  webcal: documented(z.string(), 'The same feed as a `webcal:` link, which calendar apps open as a subscription.', [
    'webcal://api.example.com/api/calendar/3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics',
  ]),
});
component(calendarFeed, { id: 'CalendarFeed', description: "The caller's calendar feed." });

/** This document itself (its own schema is OpenAPI's). */
export const openApiDocument = z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) });
component(openApiDocument, { id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document.' });

// The domain's answers and their schemas, compared by the type checker: a field added to
// either side without the other fails the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Output<T extends z.ZodMiniType> = z.output<T>;
export const sameShapes: [
  Same<Output<typeof user>, PublicUser>,
  Same<Output<typeof loginAnswer>, ReturnType<typeof describeLogin>>,
  Same<Output<typeof day>, DayAvailability>,
  Same<Output<typeof meeting>, ReturnType<typeof describeMeeting>>,
  Same<Output<typeof meetingPage>, Awaited<ReturnType<typeof listMeetings>>>,
  Same<Output<typeof commonTime>, CommonTime>,
  Same<Omit<Output<typeof webhook>, 'events'>, Omit<ReturnType<typeof describeWebhook>, 'events'>>,
  Same<Output<typeof delivery>, ReturnType<typeof describeDelivery>>,
  Same<Output<typeof calendarFeed>, ReturnType<typeof feedLinks>>,
] = [true, true, true, true, true, true, true, true, true];
