import {
  calendarEntryOf,
  FEED_DAYS_AFTER,
  FEED_DAYS_BEFORE,
  feedLinks,
  feedSecretOf,
  feedWindow,
  participationOf,
  UID_DOMAIN,
} from '../../functions/domain/calendar-feeds';
import type { Meeting } from '../../functions/domain/model';
import type { PublicUser } from '../../functions/domain/users';
import { entityTag, notModified, renderCalendar } from '../../functions/http/icalendar';
import { parseCalendar } from '../support/icalendar';

const person = (name: string): PublicUser => ({
  id: `01J0${name.toUpperCase().padEnd(22, '0')}`,
  username: name,
  email: `${name}@example.com`,
});
const [ann, bob, cat] = ['ann', 'bob', 'cat'].map(person) as [PublicUser, PublicUser, PublicUser];

const meeting = (changes: Partial<Meeting> = {}): Meeting => ({
  id: '01J0MEET000000000000000001',
  title: 'Planning',
  description: 'Agenda: one; two, three',
  slot: { date: '2030-06-02', hour: 10 },
  status: 'active',
  organiser: ann,
  participants: [ann, bob, cat],
  version: 3,
  created: '2030-06-01T08:00:00.000Z',
  modified: '2030-06-01T09:30:00.000Z',
  ...changes,
});
const withResponses = (responses: Record<string, string>) => ({ ...meeting(), responses }) as Meeting;

describe('how a participant takes part in a meeting (PARTSTAT)', () => {
  it('is ACCEPTED for the organiser, whatever the responses say', () => {
    expect(participationOf(meeting(), ann)).toBe('ACCEPTED');
    expect(participationOf(withResponses({ [ann.id]: 'declined' }), ann)).toBe('ACCEPTED');
  });

  it('is NEEDS-ACTION for a guest while meetings carry no responses', () => {
    expect(participationOf(meeting(), bob)).toBe('NEEDS-ACTION');
  });

  it("follows a guest's response, by user id", () => {
    const answered = withResponses({ [bob.id]: 'accepted', [cat.id]: 'declined' });
    expect(participationOf(answered, bob)).toBe('ACCEPTED');
    expect(participationOf(answered, cat)).toBe('DECLINED');
    expect(participationOf(withResponses({ [bob.id]: 'needs_action' }), bob)).toBe('NEEDS-ACTION');
  });

  it('reads an unknown answer, or a name inherited by every object, as NEEDS-ACTION', () => {
    expect(participationOf(withResponses({ [bob.id]: 'maybe' }), bob)).toBe('NEEDS-ACTION');
    expect(participationOf(withResponses({ [bob.id]: 'constructor' }), bob)).toBe('NEEDS-ACTION');
    expect(participationOf(withResponses({}), { ...bob, id: 'constructor' })).toBe('NEEDS-ACTION');
  });
});

describe('a meeting as a calendar entry', () => {
  it('has a stable UID, its version as sequence, one hour from its slot, and every participant as attendee', () => {
    const entry = calendarEntryOf(meeting(), 'UTC');
    expect(entry).toEqual({
      uid: `01J0MEET000000000000000001@${UID_DOMAIN}`,
      sequence: 3,
      start: new Date('2030-06-02T10:00:00Z'),
      end: new Date('2030-06-02T11:00:00Z'),
      summary: 'Planning',
      description: 'Agenda: one; two, three',
      status: 'CONFIRMED',
      organiser: { name: 'ann', email: 'ann@example.com' },
      attendees: [
        { name: 'ann', email: 'ann@example.com', participation: 'ACCEPTED' },
        { name: 'bob', email: 'bob@example.com', participation: 'NEEDS-ACTION' },
        { name: 'cat', email: 'cat@example.com', participation: 'NEEDS-ACTION' },
      ],
      created: new Date('2030-06-01T08:00:00.000Z'),
      modified: new Date('2030-06-01T09:30:00.000Z'),
    });
  });

  it('is CANCELLED when the meeting is', () => {
    expect(calendarEntryOf(meeting({ status: 'cancelled' }), 'UTC').status).toBe('CANCELLED');
  });

  it("reads the slot on the service zone's wall clock, daylight saving time included", () => {
    const at = (date: string, hour: number) => {
      const entry = calendarEntryOf(meeting({ slot: { date, hour } }), 'America/New_York');
      return [entry.start.toISOString(), entry.end.toISOString()];
    };
    // 2030: clocks go forward on 10 March (02:00 is skipped) and back on 3 November (01:00 twice).
    expect(at('2030-03-09', 9)).toEqual(['2030-03-09T14:00:00.000Z', '2030-03-09T15:00:00.000Z']);
    expect(at('2030-03-10', 9)).toEqual(['2030-03-10T13:00:00.000Z', '2030-03-10T14:00:00.000Z']);
    expect(at('2030-03-10', 3)).toEqual(['2030-03-10T07:00:00.000Z', '2030-03-10T08:00:00.000Z']);
    // The repeated hour is its first pass, and lasts one real hour.
    expect(at('2030-11-03', 1)).toEqual(['2030-11-03T05:00:00.000Z', '2030-11-03T06:00:00.000Z']);
    expect(at('2030-11-03', 2)).toEqual(['2030-11-03T07:00:00.000Z', '2030-11-03T08:00:00.000Z']);
  });
});

describe("a feed's window", () => {
  it('runs from the hour 30 days before now to the hour 365 days after, in the service zone', () => {
    expect([FEED_DAYS_BEFORE, FEED_DAYS_AFTER]).toEqual([30, 365]);
    expect(feedWindow('UTC', new Date('2030-06-01T12:30:00Z'))).toEqual({ from: '2030-05-02 12:00:00', to: '2031-06-01 12:00:00' });
    expect(feedWindow('Asia/Kolkata', new Date('2030-06-01T12:30:00Z'))).toEqual({
      from: '2030-05-02 18:00:00',
      to: '2031-06-01 18:00:00',
    });
  });
});

describe("a feed's secret and links", () => {
  const secret = 'A'.repeat(21) + '-_' + 'z9'.repeat(10);

  it('takes a 43-character base64url secret followed by .ics', () => {
    expect(secret).toHaveLength(43);
    expect(feedSecretOf(`${secret}.ics`)).toBe(secret);
  });

  it.each([
    [''],
    ['.ics'],
    [secret],
    [`${secret}.ical`],
    [`${secret}x.ics`],
    [`${secret.slice(1)}.ics`],
    [`${secret.slice(1)}+.ics`],
    [`../${secret}.ics`],
  ])('refuses %j', (name) => {
    expect(feedSecretOf(name)).toBeUndefined();
  });

  it('is an https URL and the same as webcal', () => {
    expect(feedLinks('https://api.example', secret)).toEqual({
      url: `https://api.example/api/calendar/${secret}.ics`,
      webcal: `webcal://api.example/api/calendar/${secret}.ics`,
    });
    expect(feedLinks('http://localhost:3000', secret).webcal).toBe(`webcal://localhost:3000/api/calendar/${secret}.ics`);
  });
});

describe('iCalendar text', () => {
  const text = renderCalendar({
    name: 'Meetings of ann',
    entries: [
      calendarEntryOf(meeting(), 'UTC'),
      calendarEntryOf(meeting({ id: '01J0MEET000000000000000002', status: 'cancelled', description: null }), 'UTC'),
    ],
  });

  it('reads back, with an independent parser, as the entries say', () => {
    const calendar = parseCalendar(text);
    expect(calendar.version).toBe('2.0');
    expect(calendar.name).toBe('Meetings of ann');
    expect(calendar.refreshInterval).toBe('PT1H');
    expect(calendar.events).toEqual([
      {
        uid: `01J0MEET000000000000000001@${UID_DOMAIN}`,
        sequence: 3,
        start: '2030-06-02T10:00:00.000Z',
        end: '2030-06-02T11:00:00.000Z',
        summary: 'Planning',
        description: 'Agenda: one; two, three',
        status: 'CONFIRMED',
        transparency: 'OPAQUE',
        organizer: 'ann@example.com',
        attendees: { 'ann@example.com': 'ACCEPTED', 'bob@example.com': 'NEEDS-ACTION', 'cat@example.com': 'NEEDS-ACTION' },
        stamp: '2030-06-01T09:30:00.000Z',
        lastModified: '2030-06-01T09:30:00.000Z',
      },
      expect.objectContaining({
        uid: `01J0MEET000000000000000002@${UID_DOMAIN}`,
        status: 'CANCELLED',
        transparency: 'TRANSPARENT',
        description: null,
      }),
    ]);
  });

  it('uses CRLF line ends and folds no line beyond 75 octets', () => {
    const lines = text.split('\r\n');
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(lines.every((line) => !line.includes('\n') && Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it('is the same text for the same entries, so that its ETag is stable', () => {
    const again = renderCalendar({
      name: 'Meetings of ann',
      entries: [
        calendarEntryOf(meeting(), 'UTC'),
        calendarEntryOf(meeting({ id: '01J0MEET000000000000000002', status: 'cancelled', description: null }), 'UTC'),
      ],
    });
    expect(entityTag(again)).toBe(entityTag(text));
    expect(entityTag(renderCalendar({ name: 'Meetings of ann', entries: [] }))).not.toBe(entityTag(text));
  });
});

describe('If-None-Match', () => {
  const tag = '"abc"';
  it.each([
    [undefined, false],
    ['', false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abd"', false],
    ['abc', false],
  ])('%j matches "abc": %s', (header, expected) => {
    expect(notModified(header, tag)).toBe(expected);
  });
});
