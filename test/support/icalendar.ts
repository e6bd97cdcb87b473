/**
 * Reads iCalendar text back with ical.js, a parser independent of the library that writes
 * it, into plain values a test can compare.
 */
import ICAL from 'ical.js';

export interface ParsedEvent {
  uid: string;
  sequence: number;
  /** DTSTART and DTEND as UTC ISO instants. */
  start: string;
  end: string;
  summary: string;
  description: string | null;
  status: string;
  transparency: string;
  organizer: string;
  /** `mailto:` address -> PARTSTAT. */
  attendees: Record<string, string>;
  stamp: string;
  lastModified: string;
}

export interface ParsedCalendar {
  version: string;
  name: string;
  refreshInterval: string | null;
  events: ParsedEvent[];
}

const instant = (value: unknown) => (value as { toJSDate(): Date }).toJSDate().toISOString();

export function parseCalendar(text: string): ParsedCalendar {
  const calendar = new ICAL.Component(ICAL.parse(text));
  if (calendar.name !== 'vcalendar') throw new Error(`not a calendar: ${calendar.name}`);
  const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const text = (name: string) => {
      const value = vevent.getFirstPropertyValue(name);
      return value === null ? null : String(value);
    };
    const attendees: Record<string, string> = {};
    for (const attendee of vevent.getAllProperties('attendee')) {
      attendees[String(attendee.getFirstValue()).replace(/^mailto:/i, '')] = String(attendee.getParameter('partstat'));
    }
    return {
      uid: String(text('uid')),
      sequence: Number(vevent.getFirstPropertyValue('sequence')),
      start: instant(vevent.getFirstPropertyValue('dtstart')),
      end: instant(vevent.getFirstPropertyValue('dtend')),
      summary: String(text('summary')),
      description: text('description'),
      status: String(text('status')),
      transparency: String(text('transp')),
      organizer: String(text('organizer')).replace(/^mailto:/i, ''),
      attendees,
      stamp: instant(vevent.getFirstPropertyValue('dtstamp')),
      lastModified: instant(vevent.getFirstPropertyValue('last-modified')),
    };
  });
  const refresh = calendar.getFirstProperty('refresh-interval');
  return {
    version: String(calendar.getFirstPropertyValue('version')),
    name: String(calendar.getFirstPropertyValue('x-wr-calname')),
    refreshInterval: refresh ? String(refresh.getFirstValue()) : null,
    events,
  };
}
