import { decodeTime } from 'ulid';
import { BusinessRuleViolation, ValidationFailed } from '../../functions/domain/errors';
import { bookMeeting, timeSlotMessages } from '../../functions/domain/meetings';
import { expectRejection } from './expect-error';
import { MemoryMeetings, MemoryUsers, person } from './fakes';

const now = new Date('2030-06-01T12:30:00Z');

async function world(guests = ['guest']) {
  const users = new MemoryUsers();
  for (const name of ['org', ...guests]) await users.create(person(name));
  const meetings = new MemoryMeetings();
  const org = { id: 'id-org', username: 'org', email: 'org@example.com' };
  const book = (body: Record<string, unknown>, zone = 'UTC') =>
    bookMeeting(
      { title: 'Plan', time_slot: '2030-06-02 10:00:00', participants: [], ...body },
      { meetings, users, caller: org, zone, now },
    );
  return { users, meetings, org, book };
}

async function fieldsOf(attempt: Promise<unknown>): Promise<ValidationFailed['fields']> {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ValidationFailed);
  return (error as ValidationFailed).fields;
}

describe('booking a meeting', () => {
  it('stores the meeting it answers, stamped now, with a ULID of now', async () => {
    const { book, meetings } = await world();
    const meeting = await book({ description: 'Agenda' });
    expect(meeting).toMatchObject({ description: 'Agenda', created: '2030-06-01T12:30:00.000Z', modified: '2030-06-01T12:30:00.000Z' });
    expect(decodeTime(meeting.id)).toBe(now.getTime());
    expect(meetings.meetings.get(meeting.id)).toBe(meeting);
  });

  it('trims the description and keeps an empty one', async () => {
    const { book } = await world();
    expect([(await book({ description: '  Agenda  ' })).description, (await book({ description: '' })).description]).toEqual([
      'Agenda',
      '',
    ]);
  });

  it('stores a missing description as null', async () => {
    const { book } = await world();
    expect((await book({})).description).toBeNull();
  });

  it("asks the store once for the guests' emails, lower-cased, once each, without the organiser", async () => {
    const { book, users } = await world();
    await book({ participants: ['Guest@Example.com', 'org@example.com', 'guest@example.com'] });
    expect(users.lookups).toEqual([['guest@example.com']]);
  });

  it('does not ask the store when the organiser books alone', async () => {
    const { book, users } = await world();
    await book({ participants: ['ORG@example.com'] });
    expect(users.lookups).toEqual([]);
  });

  it('takes up to 50 participants, organiser included', async () => {
    const guests = Array.from({ length: 49 }, (_, index) => `g${index}`);
    const { book } = await world(guests);
    const meeting = await book({ participants: guests.map((name) => `${name}@example.com`) });
    expect(meeting.participants).toHaveLength(50);
  });

  it('refuses a 51st participant', async () => {
    const guests = Array.from({ length: 50 }, (_, index) => `g${index}`);
    const { book } = await world(guests);
    expect(await fieldsOf(book({ participants: guests.map((name) => `${name}@example.com`) }))).toEqual({
      participants: ['Ensure this field has no more than 50 elements.'],
    });
  });

  it.each([
    ['a time slot it cannot read', 'soon', timeSlotMessages.format],
    ['a wall-clock time the zone skips', '2031-03-09 02:00:00', 'Invalid datetime for the timezone "America/New_York".'],
  ])('refuses %s', async (_, timeSlot, message) => {
    const { book } = await world();
    expect(await fieldsOf(book({ time_slot: timeSlot }, 'America/New_York'))).toEqual({ time_slot: [message] });
  });

  it('refuses a time off the hour', async () => {
    const { book } = await world();
    await expectRejection(
      book({ time_slot: '2030-06-02 10:30:00' }),
      BusinessRuleViolation,
      'Only hourly time slots are allowed. e.g DD:MM:YYYY hh:00:00',
    );
  });

  it.each([
    [{ time_slot: 5 }, { time_slot: ['Not a valid string.'] }],
    [{ time_slot: null }, { time_slot: ['This field may not be null.'] }],
    [{ time_slot: `2030-06-02 10:00:00${' '.repeat(46)}` }, { time_slot: ['Ensure this field has no more than 64 characters.'] }],
    [{ description: 'x'.repeat(501) }, { description: ['Ensure this field has no more than 500 characters.'] }],
    [{ title: '  ' }, { title: ['This field may not be blank.'] }],
    [{ title: 'x'.repeat(61) }, { title: ['Ensure this field has no more than 60 characters.'] }],
  ])('refuses %j', async (body, fields) => {
    const { book } = await world();
    expect(await fieldsOf(book(body))).toEqual(fields);
  });
});
