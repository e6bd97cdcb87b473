/**
 * Calendar feeds over the handlers and DynamoDB Local: every feed is read back with ical.js,
 * a parser independent of the library that writes it.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { UID_DOMAIN } from '../../functions/domain/calendar-feeds';
import { services } from '../../functions/services';
import { call, futureDate, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { parseCalendar } from '../support/icalendar';
import { documentClient } from '../support/document-client';

const at = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const utc = (timeSlot: string) => `${timeSlot.replace(' ', 'T')}.000Z`;
const plusHour = (iso: string) => new Date(Date.parse(iso) + 3_600_000).toISOString();
const DAY = 86_400_000;
/** iCalendar times have whole seconds. */
const toSecond = (iso: string) => `${iso.slice(0, 19)}.000Z`;

async function book(who: LoggedIn, time_slot: string, guests: LoggedIn[] = [], title = 'Feed meeting') {
  const response = await call('POST', '/api/event/', {
    headers: who.auth,
    body: { title, description: 'Bring notes; and coffee, please', time_slot, participants: guests.map((guest) => guest.user.email) },
  });
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response as { id: string; time_slot: string };
}

/** A new feed for `who`: its URL's path (what `call` takes) and the links as answered. */
async function feedOf(who: LoggedIn): Promise<{ path: string; url: string; webcal: string }> {
  const response = await call('POST', '/api/user/calendar_feed/', { headers: who.auth });
  if (response.status !== 201) throw new Error(`feed creation failed: ${response.text}`);
  return { path: new URL(response.body.url).pathname, ...response.body };
}

const read = (path: string, headers: Record<string, string> = {}) => call('GET', path, { headers });
const eventsOf = async (path: string) => {
  const response = await read(path);
  expect(response.status).toBe(200);
  return parseCalendar(response.text).events;
};
const notFound = { status: 404, body: { detail: 'Not found.' } };
const shape = (response: { status: number; body: unknown }) => ({ status: response.status, body: response.body });

describe('POST /api/user/calendar_feed/', () => {
  it('answers 201 with the absolute https and webcal URLs of a 43-character secret', async () => {
    const me = await signedInUser('feedurl');
    const response = await call('POST', '/api/user/calendar_feed/', { headers: me.auth, domainName: 'api.calendar.example.com' });
    expect(response.status).toBe(201);
    const secret = /^https:\/\/api\.calendar\.example\.com\/api\/calendar\/([A-Za-z0-9_-]{43})\.ics$/.exec(response.body.url)?.[1];
    expect(secret).toBeDefined();
    expect(response.body).toEqual({
      url: `https://api.calendar.example.com/api/calendar/${secret}.ics`,
      webcal: `webcal://api.calendar.example.com/api/calendar/${secret}.ics`,
    });
  });

  it('answers http URLs on the local runtime', async () => {
    const me = await signedInUser('feedlocal');
    const response = await call('POST', '/api/user/calendar_feed/', { headers: me.auth, domainName: 'localhost:3000' });
    expect(response.body.url).toMatch(/^http:\/\/localhost:3000\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(response.body.webcal).toBe(response.body.url.replace('http:', 'webcal:'));
  });

  it('stores only the SHA-256 of the secret, keyed by it, with its owner', async () => {
    const me = await signedInUser('feedhash');
    const { path } = await feedOf(me);
    const secret = path.slice('/api/calendar/'.length, -'.ics'.length);
    const hash = createHash('sha256').update(secret).digest('hex');
    const client = documentClient();
    const TableName = process.env.TABLE_NAME;
    const { Item } = await client.send(new GetCommand({ TableName, Key: { pk: `FEED#${hash}`, sk: 'FEED' } }));
    expect(Item).toMatchObject({ userId: me.user.id, username: me.user.username, email: me.user.email });
    const { Items = [] } = await client.send(
      new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${me.user.id}` } }),
    );
    expect(JSON.stringify([Item, ...Items])).not.toContain(secret);
  });

  it('replaces the secret when called again: the old URL answers 404 at once, the new one 200', async () => {
    const me = await signedInUser('feedreplace');
    const first = await feedOf(me);
    expect((await read(first.path)).status).toBe(200);
    const second = await feedOf(me);
    expect(second.path).not.toBe(first.path);
    expect(shape(await read(first.path))).toEqual(notFound);
    expect((await read(second.path)).status).toBe(200);
  });

  it('answers 201 to every one of many concurrent calls, and exactly one of their URLs works after them', async () => {
    for (let round = 0; round < 3; round++) {
      const me = await signedInUser('feedrace');
      const answers = await Promise.all(Array.from({ length: 8 }, () => call('POST', '/api/user/calendar_feed/', { headers: me.auth })));
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
      const statuses = await Promise.all(answers.map((answer) => read(new URL(answer.body.url).pathname).then((got) => got.status)));
      expect(statuses.sort()).toEqual([200, ...Array(7).fill(404)]);
    }
  });
});

describe('DELETE /api/user/calendar_feed/', () => {
  it("answers 204 and ends the caller's feed; a new one can be made afterwards", async () => {
    const me = await signedInUser('feeddelete');
    const feed = await feedOf(me);
    const response = await call('DELETE', '/api/user/calendar_feed/', { headers: me.auth });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(shape(await read(feed.path))).toEqual(notFound);
    expect((await read((await feedOf(me)).path)).status).toBe(200);
  });

  it("answers 204 when the caller has no feed, and leaves other users' feeds alone", async () => {
    const [me, other] = await Promise.all([signedInUser('feednone'), signedInUser('feedother')]);
    const theirs = await feedOf(other);
    expect((await call('DELETE', '/api/user/calendar_feed/', { headers: me.auth })).status).toBe(204);
    expect((await read(theirs.path)).status).toBe(200);
  });
});

describe('GET /api/calendar/{secret}.ics', () => {
  it("answers an RFC 5545 calendar of the owner's meetings, as organiser and as guest, active and cancelled", async () => {
    const [me, guest, host] = await Promise.all([signedInUser('feedme'), signedInUser('feedguest'), signedInUser('feedhost')]);
    const date = futureDate(3);
    const organised = await book(me, at(date, 9), [guest]);
    const invited = await book(host, at(date, 11), [me, guest], 'Invited');
    const cancelled = await book(me, at(date, 13), [], 'Called off');
    expect((await call('PATCH', `/api/event/${organised.id}/`, { headers: me.auth, body: { title: 'Renamed' } })).status).toBe(200);
    expect((await call('PATCH', `/api/event/${cancelled.id}/`, { headers: me.auth, body: { status: 'cancelled' } })).status).toBe(200);
    const { path } = await feedOf(me);

    const response = await read(path);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(response.headers['cache-control']).toBe('private, max-age=300');
    expect(response.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    const calendar = parseCalendar(response.text);
    expect(calendar.name).toBe(`Meetings of ${me.user.username}`);
    expect(calendar.refreshInterval).toBe('PT1H');
    const stored = async (id: string) => services().meetings.get(id);
    const [organisedNow, cancelledNow] = await Promise.all([stored(organised.id), stored(cancelled.id)]);
    expect(calendar.events).toEqual([
      {
        uid: `${organised.id}@${UID_DOMAIN}`,
        sequence: 2,
        start: utc(at(date, 9)),
        end: plusHour(utc(at(date, 9))),
        summary: 'Renamed',
        description: 'Bring notes; and coffee, please',
        status: 'CONFIRMED',
        transparency: 'OPAQUE',
        organizer: me.user.email,
        attendees: { [me.user.email]: 'ACCEPTED', [guest.user.email]: 'NEEDS-ACTION' },
        stamp: toSecond(organisedNow!.modified),
        lastModified: toSecond(organisedNow!.modified),
      },
      expect.objectContaining({
        uid: `${invited.id}@${UID_DOMAIN}`,
        sequence: 1,
        start: utc(at(date, 11)),
        organizer: host.user.email,
        attendees: { [host.user.email]: 'ACCEPTED', [me.user.email]: 'NEEDS-ACTION', [guest.user.email]: 'NEEDS-ACTION' },
        status: 'CONFIRMED',
      }),
      expect.objectContaining({
        uid: `${cancelled.id}@${UID_DOMAIN}`,
        sequence: 2,
        summary: 'Called off',
        status: 'CANCELLED',
        transparency: 'TRANSPARENT',
        stamp: toSecond(cancelledNow!.modified),
      }),
    ]);
  });

  it("shows each guest's answer as PARTSTAT, and a declined guest still has the meeting in their feed", async () => {
    const [me, yes, no] = await Promise.all([signedInUser('feedans'), signedInUser('feedansyes'), signedInUser('feedansno')]);
    const meeting = await book(me, at(futureDate(4), 10), [yes, no]);
    const respond = (who: LoggedIn, response: string) =>
      call('POST', `/api/event/${meeting.id}/respond/`, { headers: who.auth, body: { response } });
    expect((await respond(yes, 'accepted')).status).toBe(200);
    expect((await respond(no, 'declined')).status).toBe(200);
    const answers = { [me.user.email]: 'ACCEPTED', [yes.user.email]: 'ACCEPTED', [no.user.email]: 'DECLINED' };
    expect(await eventsOf((await feedOf(me)).path)).toEqual([expect.objectContaining({ sequence: 3, attendees: answers })]);
    expect(await eventsOf((await feedOf(no)).path)).toEqual([expect.objectContaining({ attendees: answers })]);
  });

  it('answers an empty calendar to a user with no meetings', async () => {
    const me = await signedInUser('feedempty');
    const response = await read((await feedOf(me)).path);
    expect(response.status).toBe(200);
    const calendar = parseCalendar(response.text);
    expect(calendar.version).toBe('2.0');
    expect(calendar.events).toEqual([]);
  });

  it('answers 304 with no body to If-None-Match of its ETag, and 200 with a new ETag once a meeting changes', async () => {
    const me = await signedInUser('feedetag');
    const meeting = await book(me, at(futureDate(4), 10));
    const { path } = await feedOf(me);
    const first = await read(path);
    const etag = String(first.headers.etag);
    const unchanged = await read(path, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.etag).toBe(etag);
    expect(unchanged.headers['cache-control']).toBe('private, max-age=300');
    expect((await read(path, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await read(path, { 'if-none-match': '"other"' })).status).toBe(200);

    expect((await call('PATCH', `/api/event/${meeting.id}/`, { headers: me.auth, body: { title: 'Changed' } })).status).toBe(200);
    const changed = await read(path, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(parseCalendar(changed.text).events.map((event) => [event.summary, event.sequence])).toEqual([['Changed', 2]]);
  });

  it.each([
    ['an unknown secret', `/api/calendar/${'a'.repeat(43)}.ics`],
    ['a secret without .ics', `/api/calendar/${'a'.repeat(43)}`],
    ['a short secret', '/api/calendar/abc.ics'],
    ['a secret with characters outside base64url', `/api/calendar/${'a'.repeat(42)}%2B.ics`],
    ['a secret with a trailing slash', `/api/calendar/${'a'.repeat(43)}.ics/`],
  ])('answers 404 "Not found." to %s', async (_, path) => {
    expect(shape(await read(path))).toEqual(notFound);
  });

  it("answers 404 to a feed's secret with another extension, or in another case", async () => {
    const me = await signedInUser('feedcase');
    const { path } = await feedOf(me);
    expect(shape(await read(path.replace(/\.ics$/, '.ical')))).toEqual(notFound);
    const secret = path.slice('/api/calendar/'.length, -'.ics'.length);
    const flipped = secret.replace(/[a-zA-Z]/, (letter) => (letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase()));
    expect(flipped).not.toBe(secret);
    expect(shape(await read(`/api/calendar/${flipped}.ics`))).toEqual(notFound);
  });

  it('shows meetings from the hour 30 days ago to the hour 365 days ahead, and none beyond', async () => {
    const me = await signedInUser('feedwindow');
    const meeting = await book(me, at(futureDate(5), 10));
    const { path } = await feedOf(me);
    const start = Date.parse(utc(meeting.time_slot));
    const seen = async (now: number) => {
      setClock(now);
      return (await eventsOf(path)).map((event) => event.uid);
    };
    pinClock(start);
    try {
      const shown = [`${meeting.id}@${UID_DOMAIN}`];
      // Its hour is the first of the window until a full hour has passed since 30 days after it began.
      expect(await seen(start + 30 * DAY + 3_599_999)).toEqual(shown);
      expect(await seen(start + 30 * DAY + 3_600_000)).toEqual([]);
      // Its hour is the last of the window once it begins within 365 days.
      expect(await seen(start - 365 * DAY)).toEqual(shown);
      expect(await seen(start - 365 * DAY - 1)).toEqual([]);
    } finally {
      unpinClock();
    }
  });
});

describe('GET /api/event/{id}/ics/', () => {
  it('answers the meeting as a one-event calendar file to each participant', async () => {
    const [organiser, guest] = await Promise.all([signedInUser('icsorg'), signedInUser('icsguest')]);
    const meeting = await book(organiser, at(futureDate(6), 15), [guest], 'One event');
    for (const who of [organiser, guest]) {
      const response = await call('GET', `/api/event/${meeting.id}/ics/`, { headers: who.auth });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="${meeting.id}.ics"`);
      expect(response.headers['cache-control']).toBe('private, no-cache');
      const calendar = parseCalendar(response.text);
      expect(calendar.name).toBe('One event');
      expect(calendar.events).toEqual([
        expect.objectContaining({
          uid: `${meeting.id}@${UID_DOMAIN}`,
          sequence: 1,
          start: utc(meeting.time_slot),
          end: plusHour(utc(meeting.time_slot)),
          organizer: organiser.user.email,
          attendees: { [organiser.user.email]: 'ACCEPTED', [guest.user.email]: 'NEEDS-ACTION' },
          status: 'CONFIRMED',
        }),
      ]);
      const again = await call('GET', `/api/event/${meeting.id}/ics/`, {
        headers: { ...who.auth, 'if-none-match': String(response.headers.etag) },
      });
      expect(again.status).toBe(304);
    }
  });

  it('answers 404 to anyone else, and for an unknown or malformed id', async () => {
    const [organiser, stranger] = await Promise.all([signedInUser('icsprivate'), signedInUser('icsstranger')]);
    const meeting = await book(organiser, at(futureDate(6), 16));
    expect(shape(await call('GET', `/api/event/${meeting.id}/ics/`, { headers: stranger.auth }))).toEqual(notFound);
    expect(shape(await call('GET', '/api/event/01J0AAAAAAAAAAAAAAAAAAAAAA/ics/', { headers: organiser.auth }))).toEqual(notFound);
    expect(shape(await call('GET', '/api/event/nope/ics/', { headers: organiser.auth }))).toEqual(notFound);
  });
});
