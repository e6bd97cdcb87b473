import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DomainEvent } from '../../functions/domain/events';
import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { aboutBlocksOf, aboutMeeting, captureEvents, type EventCapture, stopCaptures } from '../support/events';

const book = async (organiser: LoggedIn, time_slot: string, guests: LoggedIn[], title = 'Events') => {
  const response = await call('POST', '/api/event/', {
    headers: organiser.auth,
    body: { title, description: 'about events', time_slot, participants: guests.map((guest) => guest.user.email) },
  });
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response as { id: string };
};
const patch = async (who: LoggedIn, id: string, body: unknown) => {
  const response = await call('PATCH', `/api/event/${id}/`, { headers: who.auth, body });
  if (response.status !== 200) throw new Error(`change failed: ${response.text}`);
  return response.body.response;
};
const block = async (who: LoggedIn, date: string, hours: number[]) => {
  const response = await call('POST', '/api/user/block_slots/', { headers: who.auth, body: { date, blocked_slots: hours } });
  if (response.status !== 200) throw new Error(`block failed: ${response.text}`);
};
const aboutMeetings = (events: readonly DomainEvent[]) => events.map((event) => ('meeting' in event.data ? event.data.meeting.id : ''));
const slot = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const idsOf = (events: readonly DomainEvent[]) => events.map((event) => event.id);

jest.setTimeout(30_000);
afterAll(stopCaptures);

describe('domain events on the local runtime', () => {
  let capture: EventCapture;
  beforeAll(async () => {
    capture = await captureEvents();
  });
  afterAll(() => capture.stop());

  it('tells each change of a meeting exactly once, in order, with the meeting as the API shows it', async () => {
    const [organiser, guest, newcomer] = [await signedInUser('evorg'), await signedInUser('evguest'), await signedInUser('evnew')];
    const date = freshDate();
    const { id } = await book(organiser, `${date} 09:00:00`, [guest]);
    await patch(organiser, id, { time_slot: `${date} 11:00:00` });
    await patch(organiser, id, { title: 'Renamed', participants: [organiser.user.email, guest.user.email, newcomer.user.email] });
    await patch(organiser, id, { status: 'cancelled' });
    const last = await patch(organiser, id, { status: 'active' });

    const events = aboutMeeting(await capture.settled(), id);
    expect(events.map((event) => [event.id, event.type])).toEqual([
      [`${id}:1`, 'meeting.booked'],
      [`${id}:2`, 'meeting.rescheduled'],
      [`${id}:3`, 'meeting.updated'],
      [`${id}:4`, 'meeting.cancelled'],
      [`${id}:5`, 'meeting.reactivated'],
    ]);
    const [booked, moved, updated] = events;
    expect(booked?.data).toEqual({ meeting: expect.objectContaining({ id, time_slot: `${date} 09:00:00`, version: 1 }) });
    expect(moved?.data).toMatchObject({ previous_time_slot: `${date} 09:00:00`, changed: [], meeting: { time_slot: `${date} 11:00:00` } });
    expect(updated?.data).toMatchObject({ changed: ['title', 'participants'], meeting: { title: 'Renamed' } });
    // The last event's meeting is exactly what the API answered, plus its version.
    expect(events.at(-1)?.data).toEqual({ meeting: { ...last, version: 5 } });
    for (const event of events) expect(Date.parse(event.timestamp)).not.toBeNaN();
  });

  it("tells each change of a user's blocks once, with every hour blocked on that date", async () => {
    const me = await signedInUser('evblock');
    const date = freshDate();
    await block(me, date, [9, 10]);
    await block(me, date, [14]);
    const events = aboutBlocksOf(await capture.settled(), me.user.id);
    expect(events.map((event) => [event.id, event.data])).toEqual([
      [`${me.user.id}:${date}:1`, { user: me.user, date, blocked_slots: [9, 10] }],
      [`${me.user.id}:${date}:2`, { user: me.user, date, blocked_slots: [9, 10, 14] }],
    ]);
  });

  it('tells an unblock and a replacement of the blocks, and nothing of one that changes nothing', async () => {
    const me = await signedInUser('evunblock');
    const date = freshDate();
    await block(me, date, [9, 10]);
    expect((await call('POST', '/api/user/unblock_slots/', { headers: me.auth, body: { date, unblocked_slots: [9, 15] } })).status).toBe(
      200,
    );
    expect((await call('PUT', `/api/user/blocked_slots/${date}/`, { headers: me.auth, body: { blocked_slots: [3, 4] } })).status).toBe(200);
    expect((await call('PUT', `/api/user/blocked_slots/${date}/`, { headers: me.auth, body: { blocked_slots: [4, 3] } })).status).toBe(200);
    expect((await call('PUT', `/api/user/blocked_slots/${date}/`, { headers: me.auth, body: { blocked_slots: [] } })).status).toBe(200);
    const events = aboutBlocksOf(await capture.settled(), me.user.id);
    expect(events.map((event) => [event.id, event.type, 'blocked_slots' in event.data ? event.data.blocked_slots : undefined])).toEqual([
      [`${me.user.id}:${date}:1`, 'availability.changed', [9, 10]],
      [`${me.user.id}:${date}:2`, 'availability.changed', [10]],
      [`${me.user.id}:${date}:3`, 'availability.changed', [3, 4]],
      [`${me.user.id}:${date}:4`, 'availability.changed', []],
    ]);
  });

  it('tells nothing of a refused change', async () => {
    const [organiser, guest] = [await signedInUser('evrefused'), await signedInUser('evrefusedguest')];
    const date = freshDate();
    await block(guest, date, [10]);
    const refused = await call('POST', '/api/event/', {
      headers: organiser.auth,
      body: { title: 'No', description: '', time_slot: `${date} 10:00:00`, participants: [guest.user.email] },
    });
    expect(refused.status).toBe(400);
    const events = await capture.settled();
    expect(aboutBlocksOf(events, guest.user.id)).toHaveLength(1);
    expect(events.filter((event) => event.type === 'meeting.booked' && event.data.meeting.organiser === organiser.user.email)).toEqual([]);
  });

  it('tells 50 concurrent bookings as exactly 50 meeting.booked, none lost, none twice', async () => {
    const organisers = await Promise.all(Array.from({ length: 10 }, (_, index) => signedInUser(`evstorm${index}`)));
    const guests = await Promise.all(Array.from({ length: 10 }, (_, index) => signedInUser(`evstormguest${index}`)));
    const date = freshDate();
    // Ten organisers, five hours each, each with a guest of their own: 50 bookings at once.
    const meetings = await Promise.all(
      organisers.flatMap((organiser, index) =>
        Array.from({ length: 5 }, (_, hour) => book(organiser, slot(date, hour), [guests[index] as LoggedIn])),
      ),
    );
    const mine = new Set(meetings.map((meeting) => meeting.id));
    const booked = (await capture.settled()).filter((event) => event.type === 'meeting.booked' && mine.has(event.data.meeting.id));
    expect(new Set(idsOf(booked)).size).toBe(50);
    expect(booked).toHaveLength(50);
    expect(new Set(aboutMeetings(booked))).toEqual(mine);
  });
});

describe('domain events when delivery fails', () => {
  it('sends again what a subscriber failed to take, under the same ids, until it is taken', async () => {
    const refusals = new Map<string, number>();
    const capture = await captureEvents({
      attempts: 2,
      // Each booking is refused three times before it is taken: more than one publish
      // round, so its record is also handed back by the poller and read again.
      listener: ({ event }) => {
        if (event.type !== 'meeting.booked') return;
        const refused = refusals.get(event.id) ?? 0;
        if (refused < 3) {
          refusals.set(event.id, refused + 1);
          throw new Error('receiver down');
        }
      },
    });
    try {
      const [organiser, guest] = [await signedInUser('evflaky'), await signedInUser('evflakyguest')];
      const date = freshDate();
      const ids: string[] = [];
      for (const hour of [8, 9, 10]) ids.push(`${(await book(organiser, `${slot(date, hour)}`, [guest])).id}:1`);
      const seen = (await capture.settled()).filter((event) => ids.includes(event.id));
      // Each one arrived, under the id of its change (re-reading may repeat one: same id).
      expect([...new Set(idsOf(seen))].sort()).toEqual([...ids].sort());
      for (const id of ids) expect(refusals.get(id)).toBe(3);
    } finally {
      await capture.stop();
    }
  });

  it('resumes after a stop from the kept position: nothing lost, repeats only under their own ids', async () => {
    const positionFile = join(mkdtempSync(join(tmpdir(), 'calendar-events-')), 'stream-position.json');
    const [organiser, guest] = [await signedInUser('evresume'), await signedInUser('evresumeguest')];
    const date = freshDate();
    // The first run's receiver takes the first booking and then fails everything.
    let taken = 0;
    const first = await captureEvents({
      positionFile,
      attempts: 1,
      listener: ({ event }) => {
        if (event.type === 'meeting.booked' && event.data.meeting.organiser === organiser.user.email && taken++ > 0)
          throw new Error('down');
      },
    });
    const ids: string[] = [];
    for (const hour of [8, 9, 10, 11]) ids.push(`${(await book(organiser, `${slot(date, hour)}`, [guest])).id}:1`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.stop();
    const before = first.events.filter((event) => ids.includes(event.id));
    expect(idsOf(before)).toEqual([ids[0]]);
    expect(JSON.parse(readFileSync(positionFile, 'utf8'))).toMatchObject({ done: expect.any(Object) });

    // The next run starts where the first left off, with a receiver that works.
    const second = await captureEvents({ positionFile });
    try {
      const after = (await second.settled()).filter((event) => ids.includes(event.id));
      expect(idsOf(after)).toEqual(ids.slice(1));
    } finally {
      await second.stop();
    }
  });

  it('gives up, as AWS does, a change whose event is never taken, tells it, and goes on with the later ones', async () => {
    const [organiser, guest] = [await signedInUser('evpoison'), await signedInUser('evpoisonguest')];
    const date = freshDate();
    let poison = '';
    const givenUp: DynamoDBRecord[] = [];
    const capture = await captureEvents({
      attempts: 1,
      maxAttempts: 3,
      onGiveUp: (record) => void givenUp.push(record),
      listener: ({ event }) => {
        if (event.id === poison) throw new Error('never');
      },
    });
    try {
      const first = await book(organiser, slot(date, 8), [guest]);
      poison = `${first.id}:1`;
      const second = await book(organiser, slot(date, 9), [guest]);
      const seen = idsOf(await capture.settled());
      expect(seen).toContain(`${second.id}:1`);
      expect(seen).not.toContain(poison);
      expect(givenUp.map((record) => record.dynamodb?.NewImage?.id?.S)).toEqual([first.id]);
    } finally {
      await capture.stop();
    }
  });
});
