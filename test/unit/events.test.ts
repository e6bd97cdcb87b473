import fc from 'fast-check';
import { type ChangeRecord, type DomainEvent, eventOf, eventsOf } from '../../functions/domain/events';
import type { Meeting } from '../../functions/domain/model';
import { describeMeeting } from '../../functions/domain/meetings';
import { responseOf, responsesAfterChange, responsesOf } from '../../functions/domain/responses';
import type { PublicUser } from '../../functions/domain/users';
import { readImage } from '../../functions/store/change-images';
import { blockedHourItem, dayKey, meetingHourItem } from '../../functions/store/items/day';
import { toMeetingItem, toMembershipItem } from '../../functions/store/items/meeting';

const ann: PublicUser = { id: '01J0ANN0000000000000000000', username: 'ann', email: 'ann@example.com' };
const bob: PublicUser = { id: '01J0B0B0000000000000000000', username: 'bob', email: 'bob@example.com' };
const cat: PublicUser = { id: '01J0CAT0000000000000000000', username: 'cat', email: 'cat@example.com' };

const booked: Meeting = {
  id: '01J0MEET000000000000000001',
  title: 'Planning',
  description: 'Next quarter',
  slot: { date: '2030-06-02', hour: 10 },
  status: 'active',
  organiser: ann,
  participants: [ann, bob],
  version: 1,
  created: '2030-06-01T08:00:00.000Z',
  modified: '2030-06-01T08:00:00.000Z',
};

let sequence = 0;
const next = () => String((sequence += 1)).padStart(21, '0');

/** A change of the meeting item, its images written as the store writes the item. */
const meetingInsert = (meeting: Meeting): ChangeRecord => ({
  eventName: 'INSERT',
  sequenceNumber: next(),
  newImage: toMeetingItem(meeting, `write-${meeting.version}`),
});
const meetingModify = (before: Meeting, after: Meeting): ChangeRecord => ({
  eventName: 'MODIFY',
  sequenceNumber: next(),
  oldImage: toMeetingItem(before, `write-${before.version}`),
  newImage: toMeetingItem(after, `write-${after.version}`),
});
/** The meeting one change later. */
const changed = (meeting: Meeting, fields: Partial<Meeting>): Meeting => ({
  ...meeting,
  ...fields,
  version: meeting.version + 1,
  modified: new Date(Date.parse(meeting.modified) + 60_000).toISOString(),
});

/** A day record as the block_slots transaction leaves it. */
function dayImage(owner: PublicUser, date: string, hours: number[], version: number) {
  return {
    ...dayKey(owner.id, date),
    type: 'day',
    userId: owner.id,
    username: owner.username,
    email: owner.email,
    date,
    id: '01J0DAY0000000000000000000',
    created: '2030-06-01T08:00:00.000Z',
    modified: new Date(Date.parse('2030-06-01T08:00:00.000Z') + version * 1000).toISOString(),
    blockedHours: new Set(hours),
    version,
  };
}
const itemInsert = (item: Record<string, unknown>): ChangeRecord => ({ eventName: 'INSERT', sequenceNumber: next(), newImage: item });
const itemRemove = (item: Record<string, unknown>): ChangeRecord => ({ eventName: 'REMOVE', sequenceNumber: next(), oldImage: item });
const itemModify = (before: Record<string, unknown>, after: Record<string, unknown>): ChangeRecord => ({
  eventName: 'MODIFY',
  sequenceNumber: next(),
  oldImage: before,
  newImage: after,
});

const one = (record: ChangeRecord): DomainEvent => {
  const event = eventOf(record, readImage);
  if (!event) throw new Error('no event');
  return event;
};
const view = (meeting: Meeting) => ({ ...describeMeeting(meeting), version: meeting.version });

describe('meeting events', () => {
  it('a new meeting is meeting.booked: the contract body, the API meeting plus its version', () => {
    const event = one(meetingInsert(booked));
    expect(event).toEqual({
      id: `${booked.id}:1`,
      type: 'meeting.booked',
      timestamp: '2030-06-01T08:00:00.000Z',
      version: '1',
      data: {
        meeting: {
          id: booked.id,
          participants: ['ann@example.com', 'bob@example.com'],
          organiser: 'ann@example.com',
          created: '2030-06-01 08:00:00',
          modified: '2030-06-01 08:00:00',
          title: 'Planning',
          description: 'Next quarter',
          time_slot: '2030-06-02 10:00:00',
          status: 'active',
          responses: { 'ann@example.com': 'accepted', 'bob@example.com': 'needs_action' },
          version: 1,
        },
      },
    });
    expect(Object.keys(event)).toEqual(['id', 'type', 'timestamp', 'version', 'data']);
    expect(JSON.parse(JSON.stringify(event.data))).toEqual({ meeting: view(booked) });
  });

  it('a move is meeting.rescheduled with the previous time slot', () => {
    const after = changed(booked, { slot: { date: '2030-06-03', hour: 9 } });
    expect(one(meetingModify(booked, after))).toEqual({
      id: `${booked.id}:2`,
      type: 'meeting.rescheduled',
      timestamp: '2030-06-01T08:01:00.000Z',
      version: '1',
      data: { meeting: view(after), previous_time_slot: '2030-06-02 10:00:00', changed: [] },
    });
  });

  it('a move that also edits fields is one meeting.rescheduled naming them', () => {
    const after = changed(booked, { slot: { date: '2030-06-02', hour: 11 }, title: 'Planning (moved)', participants: [ann] });
    const event = one(meetingModify(booked, after));
    expect(event.type).toBe('meeting.rescheduled');
    expect(event.data).toEqual({ meeting: view(after), previous_time_slot: '2030-06-02 10:00:00', changed: ['title', 'participants'] });
  });

  it.each([
    ['a new title', ['title'], { title: 'Retro' }],
    ['no description', ['description'], { description: null }],
    ['another description', ['description'], { description: 'Next quarter, with numbers' }],
    ['a guest added', ['participants'], { participants: [ann, bob, cat] }],
    ['a guest removed', ['participants'], { participants: [ann] }],
    ['a guest replaced', ['participants'], { participants: [ann, cat] }],
    ['all three', ['title', 'description', 'participants'], { participants: [ann, bob, cat], description: '', title: 'Retro' }],
    ['nothing (a bare save)', [], {}],
  ] as [string, string[], Partial<Meeting>][])('%s is meeting.updated naming %j', (_label, names, fields) => {
    const after = changed(booked, fields);
    expect(one(meetingModify(booked, after))).toEqual({
      id: `${booked.id}:2`,
      type: 'meeting.updated',
      timestamp: after.modified,
      version: '1',
      data: { meeting: view(after), changed: names },
    });
  });

  it('names reordered guests as a participants change, as the API shows them in order', () => {
    const three = changed(booked, { participants: [ann, bob, cat] });
    const reordered = changed(three, { participants: [ann, cat, bob] });
    expect(one(meetingModify(three, reordered)).data).toMatchObject({ changed: ['participants'] });
  });

  it('a cancellation is meeting.cancelled, also when it moves or edits at the same time', () => {
    const cancelled = changed(booked, { status: 'cancelled' });
    expect(one(meetingModify(booked, cancelled))).toEqual({
      id: `${booked.id}:2`,
      type: 'meeting.cancelled',
      timestamp: cancelled.modified,
      version: '1',
      data: { meeting: view(cancelled) },
    });
    const everything = changed(booked, { status: 'cancelled', title: 'Off', slot: { date: '2030-06-09', hour: 10 } });
    expect(one(meetingModify(booked, everything))).toMatchObject({ type: 'meeting.cancelled', data: { meeting: view(everything) } });
  });

  it('a re-activation is meeting.reactivated, also at a new time', () => {
    const cancelled = changed(booked, { status: 'cancelled' });
    const back = changed(cancelled, { status: 'active', slot: { date: '2030-06-04', hour: 15 } });
    expect(one(meetingModify(cancelled, back))).toEqual({
      id: `${booked.id}:3`,
      type: 'meeting.reactivated',
      timestamp: back.modified,
      version: '1',
      data: { meeting: view(back) },
    });
  });

  it('a cancelled meeting that is moved is meeting.rescheduled, showing it cancelled', () => {
    const cancelled = changed(booked, { status: 'cancelled' });
    const moved = changed(cancelled, { slot: { date: '2030-06-05', hour: 8 } });
    expect(one(meetingModify(cancelled, moved))).toMatchObject({
      type: 'meeting.rescheduled',
      data: { meeting: { status: 'cancelled', time_slot: '2030-06-05 08:00:00' }, previous_time_slot: '2030-06-02 10:00:00' },
    });
  });

  it("stamps the event with the change's own time, not the stream's or the processing time", () => {
    const record = { ...meetingInsert(booked), approximateCreationTime: new Date('2030-06-01T08:00:07Z') };
    expect(one(record).timestamp).toBe('2030-06-01T08:00:00.000Z');
  });

  it('gives no event for a rewrite that did not raise the version, or for a removal', () => {
    const rewritten = { ...booked, modified: '2030-06-01T09:00:00.000Z' };
    expect(eventOf(meetingModify(booked, rewritten), readImage)).toBeUndefined();
    expect(eventOf(itemRemove(toMeetingItem(booked, 'w')), readImage)).toBeUndefined();
  });

  it('refuses a MODIFY of a meeting without its old image', () => {
    const record: ChangeRecord = { eventName: 'MODIFY', sequenceNumber: '7', newImage: toMeetingItem(changed(booked, {}), 'w') };
    expect(() => eventOf(record, readImage)).toThrow(/old image/);
  });
});

describe("guests' answers", () => {
  const answers = (bobs: string) => ({ [ann.id]: 'accepted', [bob.id]: bobs }) as Meeting['responses'];

  it.each(['declined', 'accepted'] as const)(
    "a guest's answer alone (%s) is meeting.responded naming the guest and the answer",
    (answer) => {
      const after = changed(booked, { responses: answers(answer) });
      const event = one(meetingModify(booked, after));
      expect(event).toEqual({
        id: `${booked.id}:2`,
        type: 'meeting.responded',
        timestamp: after.modified,
        version: '1',
        data: { meeting: view(after), participant: 'bob@example.com', response: answer },
      });
      expect(Object.keys(event.data)).toEqual(['meeting', 'participant', 'response']);
    },
  );

  it("shows every participant's answer in the meeting, by email", () => {
    const after = changed(booked, { responses: answers('declined') });
    expect(one(meetingModify(booked, after)).data).toMatchObject({
      meeting: { responses: { 'ann@example.com': 'accepted', 'bob@example.com': 'declined' }, version: 2 },
    });
  });

  it('tells an answer changed by an edit with the edit: a move is meeting.rescheduled, a guest added meeting.updated', () => {
    const accepted = changed(booked, { responses: answers('accepted') });
    const moved = changed(accepted, { slot: { date: '2030-06-02', hour: 12 }, responses: answers('needs_action') });
    expect(one(meetingModify(accepted, moved)).type).toBe('meeting.rescheduled');
    const added = changed(accepted, { participants: [ann, bob, cat], responses: { ...answers('accepted'), [cat.id]: 'needs_action' } });
    expect(one(meetingModify(accepted, added))).toMatchObject({ type: 'meeting.updated', data: { changed: ['participants'] } });
    const reactivated = changed(changed(accepted, { status: 'cancelled' }), { status: 'active', responses: answers('needs_action') });
    expect(one(meetingModify(changed(accepted, { status: 'cancelled' }), reactivated)).type).toBe('meeting.reactivated');
  });

  it('is no meeting.responded when two answers changed, or one went back to needing action', () => {
    const three = changed(booked, { participants: [ann, bob, cat] });
    const both = changed(three, { responses: { ...answers('declined'), [cat.id]: 'accepted' } });
    expect(one(meetingModify(three, both))).toMatchObject({ type: 'meeting.updated', data: { changed: [] } });
    const accepted = changed(booked, { responses: answers('accepted') });
    const asked = changed(accepted, { responses: answers('needs_action') });
    expect(one(meetingModify(accepted, asked))).toMatchObject({ type: 'meeting.updated', data: { changed: [] } });
  });

  it('reads a meeting stored before guests could answer as everyone unanswered but the organiser', () => {
    const legacy = toMeetingItem(booked, 'w1');
    const after = changed(booked, { responses: answers('declined') });
    const record: ChangeRecord = { eventName: 'MODIFY', sequenceNumber: next(), oldImage: legacy, newImage: toMeetingItem(after, 'w2') };
    expect(one(record)).toMatchObject({ type: 'meeting.responded', data: { participant: 'bob@example.com', response: 'declined' } });
  });
});

describe('availability events', () => {
  it('a write of the day record is availability.changed with every hour blocked that day', () => {
    const first = dayImage(ann, '2030-06-02', [10, 11], 1);
    const second = dayImage(ann, '2030-06-02', [11, 3, 10], 2);
    expect(one(itemInsert(first))).toEqual({
      id: `${ann.id}:2030-06-02:1`,
      type: 'availability.changed',
      timestamp: first.modified,
      version: '1',
      data: { user: { id: ann.id, username: 'ann', email: 'ann@example.com' }, date: '2030-06-02', blocked_slots: [10, 11] },
    });
    const event = one(itemModify(first, second));
    expect(event).toMatchObject({ id: `${ann.id}:2030-06-02:2`, timestamp: second.modified, data: { blocked_slots: [3, 10, 11] } });
    expect(Object.keys(event)).toEqual(['id', 'type', 'timestamp', 'version', 'data']);
  });

  it('also when the write blocked nothing new: the record moved on', () => {
    const first = dayImage(ann, '2030-06-02', [10], 1);
    expect(one(itemModify(first, dayImage(ann, '2030-06-02', [10], 2)))).toMatchObject({ id: `${ann.id}:2030-06-02:2` });
  });

  it('reads the hours as a list too (an image decoded without sets)', () => {
    const image = { ...dayImage(bob, '2030-07-01', [], 1), blockedHours: [23, 0, 7] };
    expect(one(itemInsert(image)).data).toMatchObject({ blocked_slots: [0, 7, 23] });
  });

  it('gives no event for a record written before it carried its owner, hours and counter', () => {
    const { pk, sk } = dayKey(ann.id, '2030-06-02');
    const legacy = { pk, sk, type: 'day', userId: ann.id, date: '2030-06-02', id: 'x', created: 'c', modified: '2030-06-01T08:00:00.000Z' };
    expect(eventOf(itemInsert(legacy), readImage)).toBeUndefined();
  });
});

describe('one event per change', () => {
  it("a booking's transaction (meeting, an hour per participant, a membership per guest) is one event", () => {
    const meeting = { ...booked, participants: [ann, bob, cat] };
    const records = [
      meetingInsert(meeting),
      ...meeting.participants.map((person) => itemInsert(meetingHourItem(meeting, person))),
      itemInsert(toMembershipItem(meeting, bob)),
      itemInsert(toMembershipItem(meeting, cat)),
    ];
    const events = eventsOf(records, readImage);
    expect(events.map((event) => event.type)).toEqual(['meeting.booked']);
    // In whatever order the items' records come.
    expect(eventsOf([...records].reverse(), readImage)).toEqual(events);
  });

  it("a change's transaction (meeting, freed and taken hours, memberships) is one event", () => {
    const after = changed(booked, { slot: { date: '2030-06-02', hour: 14 }, participants: [ann, cat] });
    const records = [
      meetingModify(booked, after),
      ...after.participants.map((person) => itemInsert(meetingHourItem(after, person))),
      ...booked.participants.map((person) => itemRemove(meetingHourItem(booked, person))),
      itemRemove(toMembershipItem(booked, bob)),
      itemInsert(toMembershipItem(after, cat)),
    ];
    expect(eventsOf(records, readImage).map((event) => event.type)).toEqual(['meeting.rescheduled']);
  });

  it('a block_slots transaction (the day record and an item per hour) is one event; other items none', () => {
    const records = [
      itemModify(dayImage(ann, '2030-06-02', [1], 1), dayImage(ann, '2030-06-02', [1, 2, 3], 2)),
      itemInsert(blockedHourItem(ann.id, '2030-06-02', 2)),
      itemModify(blockedHourItem(ann.id, '2030-06-02', 1), blockedHourItem(ann.id, '2030-06-02', 1)),
      itemInsert({ pk: 'TOKEN#abc', sk: 'TOKEN', type: 'token', userId: ann.id }),
      itemInsert({ pk: 'ATTEMPTS#x', sk: 'WINDOW#1', type: 'attempts', attempts: 1 }),
    ];
    expect(eventsOf(records, readImage).map((event) => event.type)).toEqual(['availability.changed']);
  });

  it('the same record mapped twice gives the same event, id included', () => {
    const records = [meetingInsert(booked), itemInsert(dayImage(bob, '2030-06-02', [4], 1))];
    const twice = eventsOf([...records, ...records], readImage);
    expect(twice).toHaveLength(4);
    expect(twice.slice(2)).toEqual(twice.slice(0, 2));
  });
});

describe('properties', () => {
  /** One change of a meeting: any mix of a move, edits and a status flip (none of them: a bare save). */
  const step = fc.record({
    meeting: fc.nat({ max: 2 }),
    move: fc.boolean(),
    title: fc.boolean(),
    description: fc.boolean(),
    participants: fc.boolean(),
    flip: fc.boolean(),
    noise: fc.boolean(),
    /** Bob answers instead (when he takes part and it changes his answer): nothing else changes. */
    answer: fc.option(fc.constantFrom('accepted' as const, 'declined' as const), { nil: undefined }),
  });
  type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;
  interface Expected {
    meetingId: string;
    version: number;
    type: DomainEvent['type'];
    changed?: string[];
    answer?: 'accepted' | 'declined';
    meeting: Meeting;
  }

  /** The records of the steps, in commit order, and the event each change must give. */
  function simulate(steps: Step[]) {
    const meetings = new Map<number, Meeting>();
    const records: ChangeRecord[] = [];
    const expected: Expected[] = [];
    steps.forEach((s, index) => {
      const before = meetings.get(s.meeting);
      const noise = (meeting: Meeting) =>
        s.noise ? meeting.participants.map((person) => itemInsert(meetingHourItem(meeting, person))) : [];
      if (!before) {
        const meeting: Meeting = {
          ...booked,
          id: `01J0MEET00000000000000000${s.meeting}`,
          modified: new Date(Date.parse(booked.created) + index * 1000).toISOString(),
        };
        meetings.set(s.meeting, meeting);
        records.push(...noise(meeting), meetingInsert(meeting), ...(s.noise ? [itemInsert(toMembershipItem(meeting, bob))] : []));
        expected.push({ meetingId: meeting.id, version: 1, type: 'meeting.booked', meeting });
        return;
      }
      const after: Meeting = {
        ...before,
        version: before.version + 1,
        modified: new Date(Date.parse(booked.created) + index * 1000).toISOString(),
      };
      if (s.answer && responseOf(before, bob.id) !== s.answer && before.participants.includes(bob)) {
        after.responses = { ...responsesOf(before), [bob.id]: s.answer };
        meetings.set(s.meeting, after);
        records.push(meetingModify(before, after), ...noise(after));
        expected.push({ meetingId: after.id, version: after.version, meeting: after, type: 'meeting.responded', answer: s.answer });
        return;
      }
      if (s.move) after.slot = { ...before.slot, hour: (before.slot.hour + 1) % 24 };
      if (s.title) after.title = `Title ${index}`;
      if (s.description) after.description = before.description === null ? `Notes ${index}` : null;
      if (s.participants) {
        after.participants = before.participants.some((person) => person.id === cat.id)
          ? before.participants.filter((person) => person.id !== cat.id)
          : [...before.participants, cat];
      }
      if (s.flip) after.status = before.status === 'active' ? 'cancelled' : 'active';
      after.responses = responsesAfterChange(before, after);
      meetings.set(s.meeting, after);
      records.push(meetingModify(before, after), ...noise(after));
      const edited = (['title', 'description', 'participants'] as const).filter((field) => s[field]);
      const base = { meetingId: after.id, version: after.version, meeting: after };
      if (s.flip) expected.push({ ...base, type: after.status === 'cancelled' ? 'meeting.cancelled' : 'meeting.reactivated' });
      else if (s.move) expected.push({ ...base, type: 'meeting.rescheduled', changed: edited });
      else expected.push({ ...base, type: 'meeting.updated', changed: edited });
    });
    return { records, expected };
  }

  it('any sequence of meeting changes gives exactly one event per change, of its kind', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const { records, expected } = simulate(steps);
        const events = eventsOf(records, readImage);
        expect(events).toHaveLength(expected.length);
        events.forEach((event, index) => {
          const want = expected[index]!;
          expect(event.id).toBe(`${want.meetingId}:${want.version}`);
          expect(event.type).toBe(want.type);
          expect(event.timestamp).toBe(want.meeting.modified);
          expect(event.data).toMatchObject({ meeting: view(want.meeting) });
          if (want.changed) expect(event.data).toMatchObject({ changed: want.changed });
          if (want.answer) expect(event.data).toMatchObject({ participant: bob.email, response: want.answer });
        });
      }),
    );
  });

  it('ids are unique per change and stable when records are delivered again', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 20 }), (steps, repeats) => {
        const { records } = simulate(steps);
        const events = eventsOf(records, readImage);
        const ids = events.map((event) => event.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(eventsOf(records, readImage)).toEqual(events);
        // At-least-once: some records come again, right after themselves.
        const again = records.length === 0 ? [] : repeats.map((repeat) => repeat % records.length);
        const redelivered = records.flatMap((record, index) => [record, ...again.filter((at) => at === index).map(() => record)]);
        const seen = new Map<string, DomainEvent>();
        for (const event of eventsOf(redelivered, readImage)) {
          if (seen.has(event.id)) expect(event).toEqual(seen.get(event.id));
          else seen.set(event.id, event);
        }
        expect([...seen.keys()]).toEqual(ids);
      }),
    );
  });

  it("keeps each meeting's events in version order", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const versions = new Map<string, number[]>();
        for (const event of eventsOf(simulate(steps).records, readImage)) {
          if (!('meeting' in event.data)) continue;
          const { id, version } = event.data.meeting;
          versions.set(id, [...(versions.get(id) ?? []), version]);
        }
        for (const list of versions.values()) expect(list).toEqual(list.map((_, index) => index + 1));
      }),
    );
  });

  it('any sequence of block writes gives one availability.changed each, with the hours so far', () => {
    const write = fc.record({
      user: fc.constantFrom(ann, bob),
      date: fc.constantFrom('2030-06-02', '2030-06-03'),
      hours: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 30 }), (writes) => {
        const days = new Map<string, ReturnType<typeof dayImage>>();
        const records = writes.flatMap((w) => {
          const key = `${w.user.id}:${w.date}`;
          const before = days.get(key);
          const hours = [...new Set([...(before?.blockedHours ?? []), ...w.hours])];
          const after = dayImage(w.user, w.date, hours, (before?.version ?? 0) + 1);
          days.set(key, after);
          return [
            before ? itemModify(before, after) : itemInsert(after),
            ...w.hours.map((hour) => itemInsert(blockedHourItem(w.user.id, w.date, hour))),
          ];
        });
        const events = eventsOf(records, readImage);
        expect(events).toHaveLength(writes.length);
        expect(new Set(events.map((event) => event.id)).size).toBe(writes.length);
        const last = new Map(events.map((event) => [event.id.split(':').slice(0, 2).join(':'), event]));
        for (const [key, day] of days)
          expect(last.get(key)?.data).toMatchObject({ blocked_slots: [...day.blockedHours].sort((a, b) => a - b) });
      }),
    );
  });
});
