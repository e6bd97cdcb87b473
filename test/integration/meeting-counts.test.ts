/**
 * A listing's `count` from the users' meeting counters (`store/meeting-counts.ts`): always
 * the number of meetings the listing pages through, whether the counters have caught up
 * with every change, with some, or with none, under every filter; recounting is exact when
 * repeated, concurrent, or racing the changes it counts.
 */
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { services } from '../../functions/services';
import { createMeetingCounts } from '../../functions/store';
import { countedSinceKey, recountPartition } from '../../functions/store/items/meeting-counts';
import { call, futureDate, type LoggedIn, signedInUser } from '../support/api';
import { documentClient } from '../support/document-client';
import { integrityOf } from '../support/integrity';
import { interceptStore, isCall } from '../support/store-faults';
import { storedMeeting } from '../support/meetings';

const { dynamoDb, config } = services();
const counts = createMeetingCounts(dynamoDb, config.tableName);

/** A small deterministic generator (mulberry32): every run makes the same changes. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Tracked {
  id: string;
  organiser: LoggedIn;
  guests: LoggedIn[];
}

/** Every entry of a meeting: its own item and a membership for anyone who was ever asked. */
const entriesOf = (meeting: Tracked, people: LoggedIn[]) => [
  { pk: `MEETING#${meeting.id}`, sk: 'MEETING' },
  ...people.map((person) => ({ pk: `MEETING#${meeting.id}`, sk: `MEMBER#${person.user.id}` })),
];

async function list(who: LoggedIn, query: string) {
  const response = await call('GET', `/api/event/${query}`, { headers: who.auth });
  expect(response.status).toBe(200);
  return response.body as { count: number; next: string | null; results: Array<{ id: string }> };
}

/** The count a listing answers, and how many meetings its pages hold. */
async function countAndPages(who: LoggedIn, query: string): Promise<{ query: string; count: number; listed: number }> {
  const separator = query ? '&' : '?';
  let page = await list(who, `${query}${separator}limit=100`);
  const count = page.count;
  let listed = page.results.length;
  while (page.next) {
    const response = await call('GET', page.next.replace('http://localhost', ''), { headers: who.auth });
    page = response.body;
    listed += page.results.length;
  }
  return { query, count, listed };
}

/** Dates over three months, and today (whose begun hours a default listing leaves out). */
const dates = [0, 41, 42, 55, 70, 71, 99, 100, 130].map(futureDate);

const queries = [
  '',
  '?status=active',
  '?status=cancelled',
  `?from=${dates[1]}&to=${dates[1]}`,
  `?from=${dates[1]}&to=${dates[4]}`,
  `?from=${dates[3]}`,
  `?status=active&from=${dates[2]}&to=${dates[7]}`,
  `?status=cancelled&from=${futureDate(-2)}&to=${dates[5]}`,
  `?to=${dates[4]}`,
  `?from=${futureDate(-1)}`,
];

async function expectCountsRight(people: LoggedIn[]): Promise<void> {
  for (const person of people) {
    for (const query of queries) {
      const { count, listed } = await countAndPages(person, query);
      expect({ who: person.user.username, query, count }).toEqual({ who: person.user.username, query, count: listed });
    }
  }
}

/** The user's entries the counters have not caught up with. */
async function pendingOf(userId: string): Promise<number> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: config.tableName,
      IndexName: 'byRecount',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': recountPartition(userId) },
    }),
  );
  return Items?.length ?? 0;
}

/** A meeting written straight to the store, so that it may lie in the past (today's begun hours). */
async function storedOne(organiser: LoggedIn, date: string, hour: number, guests: LoggedIn[]): Promise<Tracked> {
  return { id: (await storedMeeting(organiser, date, hour, guests)).id, organiser, guests };
}

/**
 * Books, moves, cancels, re-activates, re-invites and answers at random among four people,
 * recounting after each change as `recount` says, checking the counts as it goes.
 */
async function scenario(seed: number, recount: 'never' | 'always' | 'sometimes'): Promise<void> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const people = await Promise.all(Array.from({ length: 4 }, () => signedInUser('counts')));
  const meetings: Tracked[] = [];
  for (let hour = 0; hour < 24; hour += 5) {
    meetings.push(await storedOne(people[hour % 4]!, dates[0]!, hour, [people[(hour + 1) % 4]!]));
  }
  const slot = () => `${pick(dates.slice(1))} ${String(8 + Math.floor(next() * 10)).padStart(2, '0')}:00:00`;
  for (let step = 0; step < 40; step++) {
    const roll = next();
    if (meetings.length < 4 || roll < 0.3) {
      const organiser = pick(people);
      const guests = people.filter((person) => person !== organiser && next() < 0.5);
      const body = { title: 'Counted', description: '', time_slot: slot(), participants: guests.map((guest) => guest.user.email) };
      const booked = await call('POST', '/api/event/', { headers: organiser.auth, body });
      if (booked.status === 201) meetings.push({ id: booked.body.response.id, organiser, guests });
    } else {
      const meeting = pick(meetings);
      const path = `/api/event/${meeting.id}/`;
      if (roll < 0.5) {
        await call('PATCH', path, { headers: meeting.organiser.auth, body: { time_slot: slot() } });
      } else if (roll < 0.65) {
        await call('PATCH', path, { headers: meeting.organiser.auth, body: { status: next() < 0.6 ? 'cancelled' : 'active' } });
      } else if (roll < 0.85) {
        const guests = people.filter((person) => person !== meeting.organiser && next() < 0.5);
        const participants = [meeting.organiser, ...guests].map((person) => person.user.email);
        const changed = await call('PATCH', path, { headers: meeting.organiser.auth, body: { participants } });
        if (changed.status === 200) meeting.guests = guests;
      } else if (meeting.guests.length > 0) {
        const answer = next() < 0.5 ? 'declined' : 'accepted';
        await call('POST', `${path}respond/`, { headers: pick(meeting.guests).auth, body: { response: answer } });
      }
    }
    if (recount !== 'never') {
      for (const meeting of meetings) {
        for (const key of entriesOf(meeting, people)) if (recount === 'always' || next() < 0.3) await counts.recount(key);
      }
    }
    if (step % 10 === 9) await expectCountsRight(people);
  }
  expect(await integrityOf({ userIds: people.map((person) => person.user.id) })).toEqual([]);
  // Caught up with everything, the counters alone answer, and still right.
  for (const meeting of meetings) await Promise.all(entriesOf(meeting, people).map((key) => counts.recount(key)));
  for (const person of people) expect(await pendingOf(person.user.id)).toBe(0);
  await expectCountsRight(people);
  expect(await integrityOf({ userIds: people.map((person) => person.user.id) })).toEqual([]);
}

describe("a listing's count", () => {
  it('is right when the counters have caught up with none of the changes', () => scenario(7, 'never'), 120_000);
  it('is right when the counters have caught up with every change', () => scenario(11, 'always'), 120_000);
  it('is right when the counters have caught up with some changes', () => scenario(13, 'sometimes'), 120_000);

  it('counts an entry once however many recounts run, at once or again', async () => {
    const [me, guest] = await Promise.all([signedInUser('counts'), signedInUser('counts')]);
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Once', description: '', time_slot: `${dates[2]} 09:00:00`, participants: [guest.user.email] },
    });
    expect(booked.status).toBe(201);
    const keys = entriesOf({ id: booked.body.response.id, organiser: me, guests: [guest] }, [guest]);
    await Promise.all(Array.from({ length: 8 }, () => Promise.all(keys.map((key) => counts.recount(key)))));
    await Promise.all(keys.map((key) => counts.recount(key)));
    expect(await integrityOf({ userIds: [me.user.id, guest.user.id] })).toEqual([]);
    expect((await list(me, '')).count).toBe(1);
    expect((await list(guest, '')).count).toBe(1);
  });

  it('stays exact while changes race the recounts of the entries they change', async () => {
    const people = await Promise.all(Array.from({ length: 3 }, () => signedInUser('counts')));
    const [me, ...guests] = people as [LoggedIn, ...LoggedIn[]];
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Raced', description: '', time_slot: `${dates[3]} 09:00:00`, participants: guests.map((g) => g.user.email) },
    });
    expect(booked.status).toBe(201);
    const meeting = { id: booked.body.response.id as string, organiser: me, guests };
    const path = `/api/event/${meeting.id}/`;
    let changing = true;
    const recounting = (async () => {
      while (changing) await Promise.all(entriesOf(meeting, people).map((key) => counts.recount(key)));
    })();
    for (let round = 0; round < 12; round++) {
      const changes = [
        call('PATCH', path, { headers: me.auth, body: { time_slot: `${dates[(round % 6) + 1]} ${10 + (round % 5)}:00:00` } }),
        call('PATCH', path, { headers: me.auth, body: { status: round % 2 ? 'active' : 'cancelled' } }),
        call('PATCH', path, {
          headers: me.auth,
          body: { participants: [me, ...(round % 3 ? guests : guests.slice(1))].map((p) => p.user.email) },
        }),
      ];
      await Promise.all(changes);
    }
    changing = false;
    await recounting;
    expect(await integrityOf({ userIds: people.map((person) => person.user.id) })).toEqual([]);
    await expectCountsRight(people);
    await Promise.all(entriesOf(meeting, people).map((key) => counts.recount(key)));
    for (const person of people) expect(await pendingOf(person.user.id)).toBe(0);
    await expectCountsRight(people);
    expect(await integrityOf({ userIds: people.map((person) => person.user.id) })).toEqual([]);
  }, 120_000);

  it('deletes a removed guest’s membership once it is off their counters, and counts them again when asked back', async () => {
    const [me, guest] = await Promise.all([signedInUser('counts'), signedInUser('counts')]);
    const body = { title: 'Back', description: '', time_slot: `${dates[4]} 09:00:00`, participants: [guest.user.email] };
    const booked = await call('POST', '/api/event/', { headers: me.auth, body });
    const id = booked.body.response.id as string;
    const membership = { pk: `MEETING#${id}`, sk: `MEMBER#${guest.user.id}` };
    await counts.recount(membership);
    await call('PATCH', `/api/event/${id}/`, { headers: me.auth, body: { participants: [me.user.email] } });
    expect((await list(guest, '')).count).toBe(0);
    await counts.recount(membership);
    expect(
      await documentClient()
        .send(
          new QueryCommand({
            TableName: config.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `MEETING#${id}` },
          }),
        )
        .then((result) => result.Items?.map((item) => item.sk)),
    ).toEqual(['MEETING']);
    expect((await list(guest, '')).count).toBe(0);
    await call('PATCH', `/api/event/${id}/`, { headers: me.auth, body: { participants: [me.user.email, guest.user.email] } });
    expect((await list(guest, '')).count).toBe(1);
    await counts.recount(membership);
    expect((await list(guest, '')).count).toBe(1);
    expect(await integrityOf({ userIds: [me.user.id, guest.user.id] })).toEqual([]);
  });

  it('does not count twice what the recount index still shows after the counter has moved it', async () => {
    const me = await signedInUser('counts');
    const body = { title: 'Stale', description: '', time_slot: `${dates[5]} 09:00:00`, participants: [] };
    const booked = await call('POST', '/api/event/', { headers: me.auth, body });
    const id = booked.body.response.id as string;
    const cancelled = await call('PATCH', `/api/event/${id}/`, { headers: me.auth, body: { status: 'cancelled' } });
    expect(cancelled.status).toBe(200);
    // The index as it was before the counter moved the entry: DynamoDB's global indexes are
    // eventually consistent, so a count may read it so just after.
    const stale = await documentClient().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: 'byRecount',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': recountPartition(me.user.id) },
      }),
    );
    expect(stale.Items).toHaveLength(1);
    await counts.recount({ pk: `MEETING#${id}`, sk: 'MEETING' });
    interceptStore((call) => (isCall(call, 'Query') && call.input.IndexName === 'byRecount' ? Promise.resolve(stale) : undefined));
    try {
      for (const [query, expected] of [
        ['', 1],
        ['?status=cancelled', 1],
        ['?status=active', 0],
      ] as const) {
        expect({ query, count: (await list(me, query)).count }).toEqual({ query, count: expected });
      }
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('gives the counter nothing to do for a change that counts as before (a title, an answer), and files the entries a move changes', async () => {
    const [me, guest] = await Promise.all([signedInUser('counts'), signedInUser('counts')]);
    const body = { title: 'Quiet', description: '', time_slot: `${dates[6]} 09:00:00`, participants: [guest.user.email] };
    const id = (await call('POST', '/api/event/', { headers: me.auth, body })).body.response.id as string;
    const keys = entriesOf({ id, organiser: me, guests: [guest] }, [guest]);
    for (const key of keys) await counts.recount(key);
    expect([await pendingOf(me.user.id), await pendingOf(guest.user.id)]).toEqual([0, 0]);
    expect((await call('PATCH', `/api/event/${id}/`, { headers: me.auth, body: { title: 'Renamed' } })).status).toBe(200);
    expect((await call('POST', `/api/event/${id}/respond/`, { headers: guest.auth, body: { response: 'declined' } })).status).toBe(200);
    expect([await pendingOf(me.user.id), await pendingOf(guest.user.id)]).toEqual([0, 0]);
    await expectCountsRight([me, guest]);
    expect((await call('PATCH', `/api/event/${id}/`, { headers: me.auth, body: { time_slot: `${dates[7]} 09:00:00` } })).status).toBe(200);
    expect([await pendingOf(me.user.id), await pendingOf(guest.user.id)]).toEqual([1, 1]);
    await expectCountsRight([me, guest]);
    expect(await integrityOf({ userIds: [me.user.id, guest.user.id] })).toEqual([]);
  });

  it('reads the range for a user counted from before counters existed', async () => {
    const me = await signedInUser('counts');
    for (const date of dates.slice(1, 4)) {
      const body = { title: 'Old', description: '', time_slot: `${date} 09:00:00`, participants: [] };
      expect((await call('POST', '/api/event/', { headers: me.auth, body })).status).toBe(201);
    }
    await documentClient().send(new DeleteCommand({ TableName: config.tableName, Key: countedSinceKey(me.user.id) }));
    await expectCountsRight([me]);
  });
});
