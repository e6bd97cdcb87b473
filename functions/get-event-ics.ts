import { meetingCalendar } from './domain/calendar-feeds';
import { readMeeting } from './domain/meeting-changes';
import { calendarAnswer, renderCalendar } from './http/icalendar';
import { authenticatedRoute } from './http/route-handler';
import { services } from './services';

const { meetings, config, authentication } = services();

/** GET /api/event/{id}/ics/: the meeting as an iCalendar file, for a participant (404 for anyone else). */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  const meeting = await readMeeting(event.pathParameters?.id ?? '', { meetings, caller: principal.user });
  return calendarAnswer(event, renderCalendar(meetingCalendar(meeting, config.timeZone)), {
    cacheControl: 'private, no-cache',
    fileName: `${meeting.id}.ics`,
  });
});
