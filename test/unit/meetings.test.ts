import { BusinessRuleViolation, NotFound, PermissionDenied, ValidationFailed } from '../../functions/domain/errors';
import { changeMeeting } from '../../functions/domain/meeting-changes';
import { bookMeeting } from '../../functions/domain/meetings';
import { expectRejection } from './expect-error';
import { MemoryMeetings, MemoryUsers, person, RecordingLimiter } from './fakes';

const now = new Date('2030-06-01T12:30:00Z');
const zone = 'UTC';

async function world() {
  const users = new MemoryUsers();
  for (const name of ['org', 'guest', 'other']) await users.create(person(name));
  const meetings = new MemoryMeetings();
  const [org, guest, other] = users.users.map(({ id, username, email }) => ({ id, username, email }));
  const booked = await bookMeeting(
    {
      title: ' Plan ',
      description: null,
      time_slot: '2030-06-02 10:00:00',
      participants: ['GUEST@example.com', 'org@example.com', 'guest@example.com'],
    },
    { meetings, users, caller: org!, zone, now },
  );
  return { users, meetings, org: org!, guest: guest!, other: other!, booked };
}

describe('booking', () => {
  it('folds repeats and the organiser, trims the title, starts active at version 1', async () => {
    const { booked, org, guest } = await world();
    expect(booked).toMatchObject({
      title: 'Plan',
      participants: [org, guest],
      status: 'active',
      version: 1,
      slot: { date: '2030-06-02', hour: 10 },
    });
  });

  it('refuses the hour that has begun', async () => {
    const { users, meetings, org } = await world();
    await expectRejection(
      bookMeeting({ title: 'Late', time_slot: '2030-06-01 12:00:00', participants: [] }, { meetings, users, caller: org, zone, now }),
      BusinessRuleViolation,
      'Event can not be booked for past datetime : 2030-06-01 12:00:00',
    );
  });

  it('hands the store the budgets the meeting and its guests cost, to spend with it', async () => {
    const { users, meetings, org } = await world();
    const limits = { meetingsPerHour: 20, guestsPerHour: 200 };
    await bookMeeting(
      {
        title: 'Budgeted',
        time_slot: '2030-06-02 11:00:00',
        participants: ['guest@example.com', 'other@example.com', 'GUEST@example.com'],
      },
      { meetings, users, caller: org, zone, now, invitations: { limiter: new RecordingLimiter(), limits } },
    );
    expect(meetings.spent.at(-1)).toEqual([
      { key: `meetings-by:${org.id}`, limit: 20, windowSeconds: 3600, cost: 1 },
      { key: `guests-by:${org.id}`, limit: 200, windowSeconds: 3600, cost: 2 },
    ]);
  });

  it('names the first unknown email in the order given', async () => {
    const { users, meetings, org } = await world();
    const error = await expectRejection(
      bookMeeting(
        { title: 'X', time_slot: '2030-06-02 11:00:00', participants: ['guest@example.com', 'a@nowhere.example', 'b@nowhere.example'] },
        { meetings, users, caller: org, zone, now },
      ),
      ValidationFailed,
      'participants: Invalid email "a@nowhere.example" - object does not exist.',
    );
    expect(error.fields).toEqual({ participants: ['Invalid email "a@nowhere.example" - object does not exist.'] });
  });
});

describe('changing a meeting', () => {
  const change = async (who: 'org' | 'guest' | 'other', body: unknown, partial = true, at = now) => {
    const context = await world();
    const caller = context[who];
    const result = changeMeeting(context.booked.id, body, {
      meetings: context.meetings,
      users: context.users,
      caller,
      zone,
      now: at,
      partial,
    });
    return { context, result };
  };

  it("is the organiser's alone: a guest is refused, a stranger does not see it", async () => {
    await expectRejection(
      (await change('guest', { title: 'x' })).result,
      PermissionDenied,
      'You do not have permission to perform this action.',
    );
    await expectRejection((await change('other', { title: 'x' })).result, NotFound, 'Not found.');
  });

  it('keeps the organiser among the participants', async () => {
    await expectRejection(
      (await change('org', { participants: ['guest@example.com'] })).result,
      BusinessRuleViolation,
      'Event organiser can not be removed',
    );
  });

  it('bumps the version and hands the store both states', async () => {
    const { context, result } = await change('org', { title: 'Renamed' });
    const after = await result;
    expect(after).toMatchObject({ title: 'Renamed', version: 2 });
    expect(context.meetings.replaced).toEqual([[context.booked, after]]);
  });

  it('cannot move a meeting that has begun, but can cancel it', async () => {
    const during = new Date('2030-06-02T10:15:00Z');
    await expectRejection(
      (await change('org', { time_slot: '2030-06-03 10:00:00' }, true, during)).result,
      BusinessRuleViolation,
      'Event can not be booked for past datetime : 2030-06-02 10:00:00',
    );
    await expect((await change('org', { status: 'cancelled' }, true, during)).result).resolves.toMatchObject({ status: 'cancelled' });
  });

  it('needs every field for a full replacement', async () => {
    const error = await expectRejection(
      (await change('org', { title: 'Only' }, false)).result,
      ValidationFailed,
      'description: This field is required.; time_slot: This field is required.; participants: This field is required.; status: This field is required.',
    );
    expect(Object.keys(error.fields)).toEqual(['description', 'time_slot', 'participants', 'status']);
  });
});
