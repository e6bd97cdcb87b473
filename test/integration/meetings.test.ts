import type { Meeting } from '../../functions/domain/meetings';
import { services } from '../../functions/services';
import { createMeetingCounts } from '../../functions/store';

import { call, freshDate, futureDate, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { integrityOf } from '../support/integrity';
import { storedMeeting } from '../support/meetings';

const book = async (who: LoggedIn, time_slot: string, guests: LoggedIn[] = [], title = 'Meeting') => {
  const response = await call('POST', '/api/event/', {
    headers: who.auth,
    body: { title, description: '', time_slot, participants: guests.map((guest) => guest.user.email) },
  });
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response as { id: string; time_slot: string; participants: string[]; status: string };
};
const patch = (who: LoggedIn, id: string, body: unknown) => call('PATCH', `/api/event/${id}/`, { headers: who.auth, body });
const list = (who: LoggedIn, query = '') => call('GET', `/api/event/${query}`, { headers: who.auth });
const hours = async (who: LoggedIn, date: string) =>
  (await call('GET', `/api/user/get_available_slots/?date=${date}`, { headers: who.auth })).body.response.blocked_slots as number[];
const at = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;

describe('GET /api/event/{id}/', () => {
  it('answers the meeting itself to each participant', async () => {
    const organiser = await signedInUser('reader');
    const guest = await signedInUser('readguest');
    const meeting = await book(organiser, at(freshDate(), 10), [guest]);
    for (const who of [organiser, guest]) {
      const response = await call('GET', `/api/event/${meeting.id}/`, { headers: who.auth });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(meeting);
    }
  });

  it('answers 404 to anyone else, and for an unknown id', async () => {
    const organiser = await signedInUser('private');
    const stranger = await signedInUser('stranger');
    const meeting = await book(organiser, at(freshDate(), 10));
    expect(await call('GET', `/api/event/${meeting.id}/`, { headers: stranger.auth })).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
    expect((await call('GET', '/api/event/no-such-meeting/', { headers: organiser.auth })).status).toBe(404);
    expect((await call('GET', `/api/event/${meeting.id}`, { headers: organiser.auth })).status).toBe(200);
  });
});

describe('GET /api/event/', () => {
  it('lists future meetings as organiser or guest, alone or not, cancelled too, in time order', async () => {
    const me = await signedInUser('lister');
    const other = await signedInUser('listother');
    const date = freshDate();
    const mine = await book(me, at(date, 15));
    const invited = await book(other, at(date, 9), [me]);
    const cancelled = await book(me, at(date, 12), [other]);
    await patch(me, cancelled.id, { status: 'cancelled' });
    await storedMeeting(me, futureDate(-3), 10);
    const response = await list(me);
    expect(response.status).toBe(200);
    expect(response.body.count).toBe(3);
    expect(response.body.results.map((meeting: { id: string }) => meeting.id)).toEqual([invited.id, cancelled.id, mine.id]);
    expect(response.body.results[1].status).toBe('cancelled');
    expect(response.body).toMatchObject({ next: null, previous: null });
  });

  it('filters by status and by an inclusive date range that may reach into the past', async () => {
    const me = await signedInUser('filters');
    const past = futureDate(-5);
    const date = freshDate();
    const old = await storedMeeting(me, past, 8);
    const active = await book(me, at(date, 10));
    const cancelled = await book(me, at(date, 11));
    await patch(me, cancelled.id, { status: 'cancelled' });
    const ids = async (query: string) => (await list(me, query)).body.results.map((meeting: { id: string }) => meeting.id);
    expect(await ids('?status=active')).toEqual([active.id]);
    expect(await ids('?status=cancelled')).toEqual([cancelled.id]);
    expect(await ids(`?from=${past}&to=${past}`)).toEqual([old.id]);
    expect(await ids(`?from=${past}&to=${date}`)).toEqual([old.id, active.id, cancelled.id]);
    expect(await ids(`?from=${past}&to=${date}&status=cancelled`)).toEqual([cancelled.id]);
    expect(await ids(`?from=${date}&to=${past}`)).toEqual([]);
  });

  it.each([
    ['?status=maybe', 'status', '"maybe" is not a valid choice.'],
    ['?from=yesterday', 'from', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    ['?to=2030-02-30', 'to', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
  ])('refuses %s', async (query, field, message) => {
    const me = await signedInUser('badquery');
    const response = await list(me, query);
    expect(response.status).toBe(400);
    expect(response.body[field]).toEqual([message]);
  });

  describe('pagination over 25 meetings with cancelled ones among them', () => {
    let me: LoggedIn;
    let all: string[];
    beforeAll(async () => {
      me = await signedInUser('pages');
      const first = freshDate();
      const second = freshDate();
      all = [];
      for (let i = 0; i < 25; i++) all.push((await book(me, at(i < 13 ? first : second, (i % 13) + 5), [], `M${i}`)).id);
      for (const index of [3, 11, 20]) await patch(me, all[index]!, { status: 'cancelled' });
    });

    const ids = (body: { results: { id: string }[] }) => body.results.map((meeting) => meeting.id);
    const follow = async (url: string) => call('GET', url.replace(/^https?:\/\/[^/]+/, ''), { headers: me.auth });

    it('walks forward and back with cursor links', async () => {
      const first = await list(me);
      expect(first.body.count).toBe(25);
      expect(ids(first.body)).toEqual(all.slice(0, 10));
      expect(first.body.previous).toBeNull();
      expect(first.body.next).toMatch(/^http:\/\/localhost\/api\/event\/\?cursor=/);
      const second = await follow(first.body.next);
      expect(ids(second.body)).toEqual(all.slice(10, 20));
      const third = await follow(second.body.next);
      expect(ids(third.body)).toEqual(all.slice(20, 25));
      expect(third.body.next).toBeNull();
      const back = await follow(third.body.previous);
      expect(ids(back.body)).toEqual(all.slice(10, 20));
      const start = await follow(back.body.previous);
      expect(ids(start.body)).toEqual(all.slice(0, 10));
      expect(start.body.previous).toBeNull();
    });

    it('pages with ?page=N', async () => {
      const second = await list(me, '?page=2');
      expect(ids(second.body)).toEqual(all.slice(10, 20));
      expect(second.body.next).toBe('http://localhost/api/event/?page=3');
      expect(second.body.previous).toBe('http://localhost/api/event/');
      const third = await list(me, '?page=3');
      expect(ids(third.body)).toEqual(all.slice(20));
      expect(third.body.next).toBeNull();
      expect(await list(me, '?page=4')).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
      expect(await list(me, '?page=zero')).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
    });

    it('pages with ?limit=&offset=, limit at most 100', async () => {
      const middle = await list(me, '?limit=7&offset=7');
      expect(ids(middle.body)).toEqual(all.slice(7, 14));
      expect(middle.body.next).toBe('http://localhost/api/event/?limit=7&offset=14');
      expect(middle.body.previous).toBe('http://localhost/api/event/?limit=7');
      const huge = await list(me, '?limit=1000');
      expect(ids(huge.body)).toEqual(all);
    });

    it('keeps filters in the links', async () => {
      const active = await list(me, '?status=active&limit=5');
      expect(active.body.count).toBe(22);
      expect(active.body.next).toBe('http://localhost/api/event/?status=active&limit=5&offset=5');
      const cursorPage = await list(me, '?status=active');
      expect(cursorPage.body.next).toMatch(/^http:\/\/localhost\/api\/event\/\?status=active&cursor=/);
      const next = await follow(cursorPage.body.next);
      expect(ids(next.body)).toEqual(all.filter((_, index) => ![3, 11, 20].includes(index)).slice(10, 20));
    });

    it('refuses a forged cursor', async () => {
      expect(await list(me, '?cursor=not-a-cursor')).toMatchObject({ status: 404, body: { detail: 'Invalid cursor' } });
    });
  });

  it('reads any page of 520 meetings, once counted, in two steps: the index page beside three small reads of the count, then the meetings', async () => {
    const me = await signedInUser('many');
    const start = Date.now() + 40 * 86_400_000;
    const slots = Array.from({ length: 520 }, (_, i) => new Date(start + i * 3_600_000).toISOString());
    const stored: Meeting[] = [];
    for (let i = 0; i < slots.length; i += 26) {
      stored.push(
        ...(await Promise.all(slots.slice(i, i + 26).map((iso) => storedMeeting(me, iso.slice(0, 10), Number(iso.slice(11, 13)))))),
      );
    }
    const client = services().dynamoDb;
    // As the counter function does from the table's stream: the counters catch up.
    const counts = createMeetingCounts(client, services().config.tableName);
    for (const meeting of stored) await counts.recount({ pk: `MEETING#${meeting.id}`, sk: 'MEETING' });
    // Half past ten (UTC, the tests' zone): the count reads the rest of today from the index too.
    pinClock(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 10.5 * 3_600_000);
    try {
      for (const query of ['', '?page=50', '?limit=100&offset=400', '?status=active&page=52']) {
        const send = jest.spyOn(client, 'send');
        const response = await list(me, query);
        expect(response.status).toBe(200);
        expect(response.body.count).toBe(520);
        // the token lookup, then the index page and the count (the counters, the entries they
        // have not caught up with, and the rest of today), then one batched read of the meetings
        expect({ query, calls: send.mock.calls.length - 1 }).toEqual({ query, calls: 5 });
        send.mockRestore();
      }
    } finally {
      unpinClock();
    }
  }, 120_000);
});

describe('PUT and PATCH /api/event/{id}/', () => {
  it('lets only the organiser change a meeting: 403 for a guest, 404 for anyone else', async () => {
    const organiser = await signedInUser('owner');
    const guest = await signedInUser('guestedit');
    const stranger = await signedInUser('strangeredit');
    const meeting = await book(organiser, at(freshDate(), 10), [guest]);
    expect(await patch(guest, meeting.id, { title: 'Mine' })).toMatchObject({
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
    });
    expect((await patch(stranger, meeting.id, { title: 'Mine' })).status).toBe(404);
    const answer = await patch(organiser, meeting.id, { title: 'Renamed', description: 'Agenda' });
    expect(answer.status).toBe(200);
    expect(answer.body.response).toMatchObject({ id: meeting.id, title: 'Renamed', description: 'Agenda', time_slot: meeting.time_slot });
  });

  it("moves a meeting: every participant's old hour is freed and the new one taken", async () => {
    const organiser = await signedInUser('mover');
    const guest = await signedInUser('moved');
    const date = freshDate();
    const meeting = await book(organiser, at(date, 10), [guest]);
    const answer = await patch(organiser, meeting.id, { time_slot: at(date, 14) });
    expect(answer.body.response.time_slot).toBe(at(date, 14));
    for (const who of [organiser, guest]) expect(await hours(who, date)).toEqual([14]);
  });

  it('refuses a move into a blocked or booked hour and keeps the old hour held', async () => {
    const organiser = await signedInUser('stuck');
    const blocker = await signedInUser('blocker');
    const busy = await signedInUser('busy');
    const date = freshDate();
    const meeting = await book(organiser, at(date, 10), [blocker, busy]);
    await call('POST', '/api/user/block_slots/', { headers: blocker.auth, body: { date, blocked_slots: [11] } });
    await book(busy, at(date, 12));
    expect((await patch(organiser, meeting.id, { time_slot: at(date, 11) })).body).toEqual({
      err_message: [`Time slot is not available for user : ${blocker.user.email}`],
    });
    expect((await patch(organiser, meeting.id, { time_slot: at(date, 12) })).body).toEqual({
      err_message: [`Time slot is conflicting with another event for user : ${busy.user.email}`],
    });
    expect(await hours(organiser, date)).toEqual([10]);
    expect(await hours(blocker, date)).toEqual([10, 11]);
    expect((await call('GET', `/api/event/${meeting.id}/`, { headers: organiser.auth })).body.time_slot).toBe(at(date, 10));
  });

  it('re-invites: added guests must be free, dropped guests are freed and lose the meeting', async () => {
    const organiser = await signedInUser('inviter');
    const kept = await signedInUser('kept');
    const dropped = await signedInUser('dropped');
    const added = await signedInUser('added');
    const date = freshDate();
    const meeting = await book(organiser, at(date, 9), [kept, dropped]);
    const answer = await patch(organiser, meeting.id, { participants: [organiser.user.email, kept.user.email, added.user.email] });
    expect(answer.body.response.participants).toEqual([organiser.user.email, kept.user.email, added.user.email]);
    expect(await hours(dropped, date)).toEqual([]);
    expect(await hours(added, date)).toEqual([9]);
    expect((await call('GET', `/api/event/${meeting.id}/`, { headers: dropped.auth })).status).toBe(404);
    expect((await list(dropped)).body.count).toBe(0);
    expect((await list(added)).body.results.map((m: { id: string }) => m.id)).toEqual([meeting.id]);
  });

  it('refuses a participants list without the organiser', async () => {
    const organiser = await signedInUser('keepme');
    const guest = await signedInUser('onlyguest');
    const meeting = await book(organiser, at(freshDate(), 9), [guest]);
    expect((await patch(organiser, meeting.id, { participants: [guest.user.email] })).body).toEqual({
      err_message: ['Event organiser can not be removed'],
    });
  });

  it('cancels, freeing every hour, and re-activates under the booking checks', async () => {
    const organiser = await signedInUser('canceller');
    const guest = await signedInUser('cancelguest');
    const other = await signedInUser('taker');
    const date = freshDate();
    const meeting = await book(organiser, at(date, 16), [guest]);
    const cancelled = await patch(organiser, meeting.id, { status: 'cancelled' });
    expect(cancelled.body.response.status).toBe('cancelled');
    expect(await hours(guest, date)).toEqual([]);
    expect((await list(guest, '?status=cancelled')).body.results.map((m: { id: string }) => m.id)).toEqual([meeting.id]);

    await book(other, at(date, 16), [guest]);
    expect((await patch(organiser, meeting.id, { status: 'active' })).body).toEqual({
      err_message: [`Time slot is conflicting with another event for user : ${guest.user.email}`],
    });
    const moved = await patch(organiser, meeting.id, { status: 'active', time_slot: at(date, 17) });
    expect(moved.body.response).toMatchObject({ status: 'active', time_slot: at(date, 17) });
    expect(await hours(guest, date)).toEqual([16, 17]);
  });

  it('needs every field for PUT', async () => {
    const organiser = await signedInUser('putter');
    const date = freshDate();
    const meeting = await book(organiser, at(date, 9));
    const partial = await call('PUT', `/api/event/${meeting.id}/`, { headers: organiser.auth, body: { title: 'Only' } });
    expect(partial.status).toBe(400);
    expect(partial.body).toMatchObject({ status: ['This field is required.'], participants: ['This field is required.'] });
    const full = await call('PUT', `/api/event/${meeting.id}/`, {
      headers: organiser.auth,
      body: { title: 'Full', description: null, time_slot: at(date, 11), participants: [organiser.user.email], status: 'active' },
    });
    expect(full.status).toBe(200);
    expect(full.body.response).toMatchObject({ title: 'Full', description: null, time_slot: at(date, 11) });
  });

  it('refuses an unknown status', async () => {
    const organiser = await signedInUser('status');
    const meeting = await book(organiser, at(freshDate(), 9));
    expect((await patch(organiser, meeting.id, { status: 'postponed' })).body.status).toEqual(['"postponed" is not a valid choice.']);
  });

  it('cannot move a meeting that has begun, but can cancel it', async () => {
    const organiser = await signedInUser('history');
    const past = futureDate(-2);
    const meeting = await storedMeeting(organiser, past, 10);
    expect((await patch(organiser, meeting.id, { time_slot: at(freshDate(), 10) })).body).toEqual({
      err_message: [`Event can not be booked for past datetime : ${at(past, 10)}`],
    });
    const cancelled = await patch(organiser, meeting.id, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect(await hours(organiser, past)).toEqual([]);
  });

  it('answers 409 to a change based on a version that is gone', async () => {
    const organiser = await signedInUser('stale');
    const meeting = await book(organiser, at(freshDate(), 9));
    const current = (await services().meetings.get(meeting.id))!;
    await patch(organiser, meeting.id, { title: 'First' });
    await expect(services().meetings.replace(current, { ...current, title: 'Second', version: current.version + 1 })).rejects.toMatchObject(
      {
        name: 'ConcurrentModification',
      },
    );
    expect((await call('GET', `/api/event/${meeting.id}/`, { headers: organiser.auth })).body.title).toBe('First');
    expect(await integrityOf({ userIds: [organiser.user.id] })).toEqual([]);
  });
});

describe("a change that takes someone's hour needs an hour that has not begun", () => {
  // The service clock (UTC here) stands at 10:30; 10:00 has begun, 11:00 has not.
  const today = '2030-06-15';
  beforeEach(() => pinClock(`${today}T10:30:00.000Z`));
  afterEach(unpinClock);

  const change = (method: 'PUT' | 'PATCH', who: LoggedIn, id: string, body: Record<string, unknown>) =>
    call(method, `/api/event/${id}/`, { headers: who.auth, body });
  /** The whole meeting for PUT, only `fields` for PATCH. */
  const bodyFor = (method: 'PUT' | 'PATCH', organiser: LoggedIn, guests: LoggedIn[], fields: Record<string, unknown>) =>
    method === 'PATCH'
      ? fields
      : {
          title: 'Meeting',
          description: null,
          participants: [organiser, ...guests].map((who) => who.user.email),
          status: 'active',
          ...fields,
        };
  const refusedAsPast = (slot: string) => ({ status: 400, body: { err_message: [`Event can not be booked for past datetime : ${slot}`] } });
  const shown = async (who: LoggedIn, id: string) => (await call('GET', `/api/event/${id}/`, { headers: who.auth })).body;

  it.each([
    ['PATCH', 'an hour of an earlier day', at('2030-06-14', 15)],
    ['PATCH', 'an earlier hour of today', at(today, 9)],
    ['PATCH', 'the current hour (already begun)', at(today, 10)],
    ['PUT', 'an hour of an earlier day', at('2030-06-14', 15)],
    ['PUT', 'the current hour (already begun)', at(today, 10)],
  ] as const)('%s refuses to move a meeting to %s and keeps its hour held', async (method, _, slot) => {
    const organiser = await signedInUser('backwards');
    const guest = await signedInUser('backguest');
    const meeting = await book(organiser, at(today, 15), [guest]);
    const answer = await change(method, organiser, meeting.id, bodyFor(method, organiser, [guest], { time_slot: slot }));
    expect({ status: answer.status, body: answer.body }).toEqual(refusedAsPast(slot));
    expect(await shown(organiser, meeting.id)).toMatchObject({ time_slot: at(today, 15), status: 'active' });
    for (const who of [organiser, guest]) expect(await hours(who, today)).toEqual([15]);
  });

  it.each(['PATCH', 'PUT'] as const)('%s moves a meeting to the next hour, the first that has not begun', async (method) => {
    const organiser = await signedInUser('forwards');
    const meeting = await book(organiser, at(today, 15));
    const answer = await change(method, organiser, meeting.id, bodyFor(method, organiser, [], { time_slot: at(today, 11) }));
    expect(answer.status).toBe(200);
    expect(answer.body.response.time_slot).toBe(at(today, 11));
    expect(await hours(organiser, today)).toEqual([11]);
  });

  it.each(['PATCH', 'PUT'] as const)('%s refuses to re-activate a cancelled meeting once its hour has begun', async (method) => {
    const organiser = await signedInUser('revive');
    const guest = await signedInUser('reviveguest');
    const meeting = await book(organiser, at(today, 11), [guest]);
    expect((await patch(organiser, meeting.id, { status: 'cancelled' })).status).toBe(200);
    setClock(`${today}T11:00:00.000Z`); // its hour begins
    const answer = await change(
      method,
      organiser,
      meeting.id,
      bodyFor(method, organiser, [guest], { status: 'active', time_slot: at(today, 11) }),
    );
    expect({ status: answer.status, body: answer.body }).toEqual(refusedAsPast(at(today, 11)));
    expect(await shown(organiser, meeting.id)).toMatchObject({ time_slot: at(today, 11), status: 'cancelled' });
    for (const who of [organiser, guest]) expect(await hours(who, today)).toEqual([]);
  });

  it('re-activates a cancelled meeting while its hour has not begun', async () => {
    const organiser = await signedInUser('revived');
    const meeting = await book(organiser, at(today, 11));
    expect((await patch(organiser, meeting.id, { status: 'cancelled' })).status).toBe(200);
    setClock(`${today}T10:59:59.999Z`);
    const answer = await patch(organiser, meeting.id, { status: 'active' });
    expect(answer.status).toBe(200);
    expect(answer.body.response.status).toBe('active');
    expect(await hours(organiser, today)).toEqual([11]);
  });

  it('refuses to add a guest once the hour has begun, but still renames the meeting and drops a guest', async () => {
    const organiser = await signedInUser('begun');
    const guest = await signedInUser('begunguest');
    const late = await signedInUser('latecomer');
    const meeting = await book(organiser, at(today, 11), [guest]);
    setClock(`${today}T11:20:00.000Z`);
    const added = await patch(organiser, meeting.id, { participants: [organiser.user.email, guest.user.email, late.user.email] });
    expect({ status: added.status, body: added.body }).toEqual(refusedAsPast(at(today, 11)));
    expect(await hours(late, today)).toEqual([]);
    expect((await patch(organiser, meeting.id, { title: 'Renamed' })).status).toBe(200);
    const dropped = await patch(organiser, meeting.id, { participants: [organiser.user.email] });
    expect(dropped.status).toBe(200);
    expect(dropped.body.response).toMatchObject({ title: 'Renamed', participants: [organiser.user.email], time_slot: at(today, 11) });
    expect(await hours(guest, today)).toEqual([]);
  });
});
