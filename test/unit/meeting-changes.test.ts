import { BusinessRuleViolation, NotFound, ValidationFailed } from '../../functions/domain/errors';
import { changeMeeting, readMeeting } from '../../functions/domain/meeting-changes';
import { bookMeeting, type Meeting } from '../../functions/domain/meetings';
import { expectRejection } from './expect-error';
import { MemoryMeetings, MemoryUsers, person } from './fakes';

const booked = new Date('2030-06-01T12:30:00Z');
/** During the meeting's hour (2030-06-02 10:00 UTC). */
const during = new Date('2030-06-02T10:15:00Z');
const zone = 'UTC';

async function world(status: Meeting['status'] = 'active') {
  const users = new MemoryUsers();
  for (const name of ['org', 'guest', 'other']) await users.create(person(name));
  const meetings = new MemoryMeetings();
  const [org, guest, other] = users.users.map(({ id, username, email }) => ({ id, username, email })) as [
    Meeting['organiser'],
    Meeting['organiser'],
    Meeting['organiser'],
  ];
  const meeting = await bookMeeting(
    { title: 'Plan', description: 'Agenda', time_slot: '2030-06-02 10:00:00', participants: ['guest@example.com'] },
    { meetings, users, caller: org, zone, now: booked },
  );
  meetings.meetings.set(meeting.id, { ...meeting, status });
  users.lookups.length = 0;
  const change = (body: unknown, options: { at?: Date; partial?: boolean; requestKey?: string } = {}) =>
    changeMeeting(meeting.id, body, {
      meetings,
      users,
      caller: org,
      zone,
      now: options.at ?? booked,
      partial: options.partial ?? true,
      requestKey: options.requestKey,
    });
  return { users, meetings, org, guest, other, meeting, change };
}

async function fieldsOf(attempt: Promise<unknown>): Promise<ValidationFailed['fields']> {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ValidationFailed);
  return (error as ValidationFailed).fields;
}

describe('reading a meeting', () => {
  it('finds the meeting for a participant, whatever the case of its id', async () => {
    const { meetings, guest, meeting } = await world();
    expect(await readMeeting(meeting.id.toLowerCase(), { meetings, caller: guest })).toEqual(meeting);
  });

  it.each([
    ['too short', (id: string) => id.slice(1)],
    ['with a character before it', (id: string) => `x${id}`],
    ['with a character after it', (id: string) => `${id}x`],
    ['with a letter outside base 32', (id: string) => `U${id.slice(1)}`],
  ])('does not ask the store for an id %s', async (_, spoil) => {
    const { meetings, guest, meeting } = await world();
    await expectRejection(readMeeting(spoil(meeting.id), { meetings, caller: guest }), NotFound, 'Not found.');
    expect(meetings.asked).toEqual([]);
  });
});

describe('changing a meeting', () => {
  it('replaces the participants, organiser first, asking the store for the new guests', async () => {
    const { change, users, org, other } = await world();
    const after = await change({ participants: ['Other@Example.com', 'ORG@example.com'] });
    expect(after.participants).toEqual([org, other]);
    expect(users.lookups).toEqual([['other@example.com']]);
  });

  it('refuses a participant who names no user', async () => {
    const { change } = await world();
    const error = await expectRejection(
      change({ participants: ['org@example.com', 'ghost@example.com'] }),
      ValidationFailed,
      'participants: Invalid email "ghost@example.com" - object does not exist.',
    );
    expect(error.fields).toEqual({ participants: ['Invalid email "ghost@example.com" - object does not exist.'] });
  });

  it('keeps what a partial change does not name', async () => {
    const { change, meeting } = await world();
    const after = await change({ status: 'cancelled' });
    expect(after).toEqual({ ...meeting, status: 'cancelled', version: 2, modified: booked.toISOString() });
  });

  it('trims the title and the description, and allows an empty description', async () => {
    const { change } = await world();
    const after = await change({ title: '  New  ', description: '   ' });
    expect([after.title, after.description]).toEqual(['New', '']);
  });

  it('clears the description with null', async () => {
    const { change } = await world();
    expect((await change({ description: null })).description).toBeNull();
  });

  it('moves the meeting to another future hour', async () => {
    const { change } = await world();
    expect((await change({ time_slot: '2030-06-03 09:00:00' })).slot).toEqual({ date: '2030-06-03', hour: 9 });
  });

  it('replaces every field with a full change', async () => {
    const { change, org } = await world();
    const after = await change(
      { title: 'All', description: null, time_slot: '2030-06-03 09:00:00', participants: ['org@example.com'], status: 'active' },
      { partial: false },
    );
    expect(after).toMatchObject({
      title: 'All',
      description: null,
      slot: { date: '2030-06-03', hour: 9 },
      participants: [org],
      status: 'active',
    });
  });

  it.each([
    [{ status: 'done' }, { status: ['"done" is not a valid choice.'] }],
    [{ time_slot: 5 }, { time_slot: ['Not a valid string.'] }],
    [{ time_slot: null }, { time_slot: ['This field may not be null.'] }],
    [{ time_slot: 'x'.repeat(65) }, { time_slot: ['Ensure this field has no more than 64 characters.'] }],
    [{ title: '   ' }, { title: ['This field may not be blank.'] }],
  ])('refuses %j', async (body, fields) => {
    const { change } = await world();
    expect(await fieldsOf(change(body))).toEqual(fields);
  });

  it('names every missing field of a full change', async () => {
    const { change } = await world();
    expect(await fieldsOf(change({ title: 'Only' }, { partial: false }))).toEqual({
      description: ['This field is required.'],
      time_slot: ['This field is required.'],
      participants: ['This field is required.'],
      status: ['This field is required.'],
    });
  });
});

describe('changing a meeting whose hour has begun', () => {
  it('renames it', async () => {
    const { change } = await world();
    expect((await change({ title: 'Renamed' }, { at: during })).title).toBe('Renamed');
  });

  it('drops a guest from it', async () => {
    const { change, org } = await world();
    expect((await change({ participants: ['org@example.com'] }, { at: during })).participants).toEqual([org]);
  });

  it('cancels it while dropping a guest', async () => {
    const { change } = await world();
    expect((await change({ status: 'cancelled', participants: ['org@example.com'] }, { at: during })).status).toBe('cancelled');
  });

  it('keeps it cancelled while adding a guest', async () => {
    const { change } = await world('cancelled');
    const after = await change({ participants: ['org@example.com', 'guest@example.com', 'other@example.com'] }, { at: during });
    expect(after).toMatchObject({ status: 'cancelled', participants: [{ id: 'id-org' }, { id: 'id-guest' }, { id: 'id-other' }] });
  });

  it('refuses to add a guest to it', async () => {
    const { change } = await world();
    await expectRejection(
      change({ participants: ['org@example.com', 'guest@example.com', 'other@example.com'] }, { at: during }),
      BusinessRuleViolation,
      'Event can not be booked for past datetime : 2030-06-02 10:00:00',
    );
  });

  it('refuses to re-activate it', async () => {
    const { change } = await world('cancelled');
    await expectRejection(
      change({ status: 'active' }, { at: during }),
      BusinessRuleViolation,
      'Event can not be booked for past datetime : 2030-06-02 10:00:00',
    );
  });
});

describe('changing a meeting that has not begun', () => {
  it('re-activates it', async () => {
    const { change } = await world('cancelled');
    expect((await change({ status: 'active' })).status).toBe('active');
  });

  it('refuses to move it into an hour that has begun', async () => {
    const { change } = await world();
    await expectRejection(
      change({ time_slot: '2030-06-01 12:00:00' }),
      BusinessRuleViolation,
      'Event can not be booked for past datetime : 2030-06-01 12:00:00',
    );
  });

  it('moves it, cancelled, into an hour that has begun, since it holds no hour', async () => {
    const { change } = await world('cancelled');
    expect((await change({ time_slot: '2030-06-01 12:00:00' })).slot).toEqual({ date: '2030-06-01', hour: 12 });
  });
});

describe('a change retried by its client after its answer was lost', () => {
  it('answers the version that request wrote, unchanged, writing nothing', async () => {
    const { meetings, meeting, change } = await world();
    meetings.meetings.set(meeting.id, { ...meeting, title: 'Landed', version: 2, requestKey: 'r1' });
    expect(await change({ title: 'Landed' }, { requestKey: 'r1' })).toMatchObject({ title: 'Landed', version: 2 });
    expect(meetings.replaced).toEqual([]);
  });

  it('applies a change of another request, keeping its key with the new version', async () => {
    const { meetings, meeting, change } = await world();
    meetings.meetings.set(meeting.id, { ...meeting, requestKey: 'r1' });
    expect(await change({ title: 'Next' }, { requestKey: 'r2' })).toMatchObject({ title: 'Next', version: 2, requestKey: 'r2' });
  });

  it("does not keep an earlier request's key on a version written without one", async () => {
    const { meetings, meeting, change } = await world();
    meetings.meetings.set(meeting.id, { ...meeting, requestKey: 'r1' });
    expect(await change({ title: 'Next' })).not.toHaveProperty('requestKey');
  });
});

describe('a booking with a request key', () => {
  it('stores the key with the meeting', async () => {
    const users = new MemoryUsers();
    for (const name of ['org', 'guest']) await users.create(person(name));
    const [org] = users.users.map(({ id, username, email }) => ({ id, username, email })) as [Meeting['organiser']];
    const meetings = new MemoryMeetings();
    const meeting = await bookMeeting(
      { title: 'Plan', time_slot: '2030-06-02 10:00:00', participants: ['guest@example.com'] },
      { meetings, users, caller: org, zone, now: booked, requestKey: 'r1' },
    );
    expect(meetings.meetings.get(meeting.id)?.requestKey).toBe('r1');
  });
});

describe("guests' answers through a change", () => {
  /** The world's meeting with the guest's answer set, as stored. */
  async function answeredWorld(answer: 'accepted' | 'declined', status: Meeting['status'] = 'active') {
    const built = await world(status);
    const { meetings, meeting, org, guest } = built;
    meetings.meetings.set(meeting.id, { ...meeting, status, responses: { [org.id]: 'accepted', [guest.id]: answer } });
    return built;
  }

  it('books with the organiser accepted and every guest needing action', async () => {
    const { meeting, org, guest } = await world();
    expect(meeting.responses).toEqual({ [org.id]: 'accepted', [guest.id]: 'needs_action' });
  });

  it('keeps the answer of a guest an edit keeps, and asks a guest it adds', async () => {
    const { change, org, guest, other } = await answeredWorld('declined');
    const after = await change({ title: 'Renamed', participants: ['org@example.com', 'guest@example.com', 'other@example.com'] });
    expect(after.responses).toEqual({ [org.id]: 'accepted', [guest.id]: 'declined', [other.id]: 'needs_action' });
  });

  it('asks again a guest who accepted, on a move; one who declined stays declined', async () => {
    const accepted = await answeredWorld('accepted');
    expect((await accepted.change({ time_slot: '2030-06-02 11:00:00' })).responses?.[accepted.guest.id]).toBe('needs_action');
    const declined = await answeredWorld('declined');
    expect((await declined.change({ time_slot: '2030-06-02 11:00:00' })).responses?.[declined.guest.id]).toBe('declined');
  });

  it('asks again a guest who accepted, on a re-activation; one who declined stays declined', async () => {
    const accepted = await answeredWorld('accepted', 'cancelled');
    expect((await accepted.change({ status: 'active' })).responses?.[accepted.guest.id]).toBe('needs_action');
    const declined = await answeredWorld('declined', 'cancelled');
    expect((await declined.change({ status: 'active' })).responses?.[declined.guest.id]).toBe('declined');
  });

  it('asks a guest removed and added back again', async () => {
    const { change, guest } = await answeredWorld('declined');
    await change({ participants: ['org@example.com'] });
    expect((await change({ participants: ['org@example.com', 'guest@example.com'] })).responses?.[guest.id]).toBe('needs_action');
  });
});
