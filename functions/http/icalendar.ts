/**
 * Calendars as HTTP answers: iCalendar (RFC 5545) text written by ical-generator, never by
 * hand, with an ETag of the text so that a client polling an unchanged calendar gets 304.
 */
import { createHash } from 'node:crypto';
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import type { CalendarDocument, Participation } from '../domain/calendar-feeds';
import { securityHeaders } from './responses';
import type { ApiEvent, ApiResult } from './types';

/** How often subscribed calendar applications are asked to fetch the calendar again, in seconds. */
export const REFRESH_SECONDS = 3600;
const PRODUCT_ID = { company: 'calendar-booking-service', product: 'meetings', language: 'EN' };

const attendeeStatus: Record<Participation, ICalAttendeeStatus> = {
  ACCEPTED: ICalAttendeeStatus.ACCEPTED,
  DECLINED: ICalAttendeeStatus.DECLINED,
  'NEEDS-ACTION': ICalAttendeeStatus.NEEDSACTION,
};

/**
 * The calendar as iCalendar text: one VEVENT per entry, times in UTC. The text depends on
 * the entries alone (DTSTAMP is the meeting's last change), so equal calendars read the
 * same and share an ETag. A cancelled meeting is transparent: it takes no time in
 * free/busy views.
 */
export function renderCalendar(calendar: CalendarDocument): string {
  const document = ical({ name: calendar.name, prodId: PRODUCT_ID, ttl: REFRESH_SECONDS });
  for (const entry of calendar.entries) {
    const cancelled = entry.status === 'CANCELLED';
    document.createEvent({
      id: entry.uid,
      sequence: entry.sequence,
      start: entry.start,
      end: entry.end,
      summary: entry.summary,
      description: entry.description,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      transparency: cancelled ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
      organizer: entry.organiser,
      attendees: entry.attendees.map((attendee) => ({
        name: attendee.name,
        email: attendee.email,
        role: ICalAttendeeRole.REQ,
        status: attendeeStatus[attendee.participation],
      })),
      created: entry.created,
      stamp: entry.modified,
      lastModified: entry.modified,
    });
  }
  // RFC 5545 ends every content line with CRLF, the last one too; the library leaves that one bare.
  return `${document.toString()}\r\n`;
}

/** A strong validator of the text: its SHA-256, quoted. */
export function entityTag(text: string): string {
  return `"${createHash('sha256').update(text, 'utf8').digest('base64url')}"`;
}

/** Whether `If-None-Match` names the tag (weak comparison, as RFC 9110 asks for it) or is `*`. */
export function notModified(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === tag);
}

export interface CalendarAnswerOptions {
  /** The answer's Cache-Control. */
  cacheControl: string;
  /** Offers the calendar as a file of this name to save. @default shown inline */
  fileName?: string;
}

/** 200 with the calendar as `text/calendar`, or 304 (no body) when the client already holds this text. */
export function calendarAnswer(event: ApiEvent, text: string, options: CalendarAnswerOptions): ApiResult {
  const tag = entityTag(text);
  const { 'content-type': _json, ...common } = securityHeaders;
  const headers = { ...common, 'cache-control': options.cacheControl, etag: tag };
  if (notModified(event.headers['if-none-match'], tag)) return { statusCode: 304, headers, body: '' };
  return {
    statusCode: 200,
    headers: {
      ...headers,
      'content-type': 'text/calendar; charset=utf-8',
      ...(options.fileName ? { 'content-disposition': `attachment; filename="${options.fileName}"` } : {}),
    },
    body: text,
  };
}
