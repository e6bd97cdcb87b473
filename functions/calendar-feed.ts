import { readCalendarFeed } from './domain/calendar-feeds';
import { calendarAnswer, renderCalendar } from './http/icalendar';
import { publicRoute } from './http/route-handler';
import { services } from './services';

const { feeds, meetings, config } = services();

/** GET /api/calendar/{secret}.ics: the feed's owner's meetings as iCalendar; the secret is the only credential. */
export const handler = publicRoute({}, async ({ event }) => {
  const calendar = await readCalendarFeed(event.pathParameters?.feed ?? '', { feeds, meetings, zone: config.timeZone, now: new Date() });
  // Private: the URL is a credential, so no shared cache may keep the answer.
  return calendarAnswer(event, renderCalendar(calendar), { cacheControl: 'private, max-age=300' });
});
