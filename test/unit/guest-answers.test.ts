import { BusinessRuleViolation, ConcurrentModification, NotFound, ValidationFailed } from '../../functions/domain/errors';
import { ANSWER_ATTEMPTS, answerMeeting } from '../../functions/domain/guest-answers';
import { bookMeeting, type Meeting } from '../../functions/domain/meetings';
import type { ParticipantResponse } from '../../functions/domain/responses';
import { expectRejection } from './expect-error';
import { MemoryMeetings, MemoryUsers, person } from './fakes';

const booked = new Date('2030-06-01T12:30:00Z');
/** During the meeting's hour (2030-06-02 10:00 UTC). */
const during = new Date('2030-06-02T10:15:00Z');
const zone = 'UTC';

/** Meetings whose `replace` first loses `losses` times to another change, made by `meanwhile`. */
class ContestedMeetings extends MemoryMeetings {
  constructor(
    private losses: number,
    private readonly meanwhile: (meeting: Meeting) => Meeting = (meeting) => ({
      ...meeting,
      title: 'Edited',
      version: meeting.version + 1,
    }),
  ) {
    super();
  }
  readonly attempts: Meeting[] = [];
  override async replace(before: Meeting, after: Meeting) {
    this.attempts.push(after);
    if (this.losses > 0) {
      this.losses -= 1;
      this.meetings.set(before.id, this.meanwhile(this.meetings.get(before.id)!));
      throw new ConcurrentModification();
    }
    return super.replace(before, after);
  }
}

/** Org's meeting with Guest, at 2030-06-02 10:00, the guest's answer as given. */
async function world(options: { answer?: ParticipantResponse; status?: Meeting['status']; meetings?: MemoryMeetings } = {}) {
  const users = new MemoryUsers();
  for (const name of ['org', 'guest', 'other']) await users.create(person(name));
  const meetings = options.meetings ?? new MemoryMeetings();
  const [org, guest, other] = users.users.map(({ id, username, email }) => ({ id, username, email })) as [
    Meeting['organiser'],
    Meeting['organiser'],
    Meeting['organiser'],
  ];
  const meeting = await bookMeeting(
    { title: 'Plan', description: null, time_slot: '2030-06-02 10:00:00', participants: ['guest@example.com'] },
    { meetings, users, caller: org, zone, now: booked },
  );
  const stored: Meeting = {
    ...meeting,
    status: options.status ?? 'active',
    responses: { [org.id]: 'accepted', [guest.id]: options.answer ?? 'needs_action' },
  };
  meetings.meetings.set(meeting.id, stored);
  const answer = (body: unknown, who = guest, options: { at?: Date; requestKey?: string; id?: string } = {}) =>
    answerMeeting(options.id ?? meeting.id, body, {
      meetings,
      caller: who,
      zone,
      now: options.at ?? booked,
      requestKey: options.requestKey,
    });
  return { meetings, org, guest, other, meeting: stored, answer };
}

describe('a guest answers', () => {
  it.each<[ParticipantResponse, 'accepted' | 'declined']>([
    ['needs_action', 'accepted'],
    ['needs_action', 'declined'],
    ['accepted', 'declined'],
    ['declined', 'accepted'],
  ])('from %s to %s: the answer is stored with a new version', async (from, to) => {
    const { meetings, meeting, answer, org, guest } = await world({ answer: from });
    const after = await answer({ response: to });
    expect(after).toEqual({
      ...meeting,
      responses: { [org.id]: 'accepted', [guest.id]: to },
      version: meeting.version + 1,
      modified: booked.toISOString(),
    });
    expect(meetings.replaced).toEqual([[meeting, after]]);
  });

  it.each<ParticipantResponse>(['accepted', 'declined'])('%s again: the meeting unchanged, nothing written', async (answered) => {
    const { meetings, meeting, answer } = await world({ answer: answered });
    expect(await answer({ response: answered })).toEqual(meeting);
    expect(meetings.replaced).toEqual([]);
  });

  it('keeps the key of the request that wrote the answer, and answers its retry with that version', async () => {
    const { meetings, answer } = await world();
    const after = await answer({ response: 'declined' }, undefined, { requestKey: 'r1' });
    expect(after.requestKey).toBe('r1');
    meetings.meetings.set(after.id, { ...after, title: 'Seen by the retry' });
    expect(await answer({ response: 'declined' }, undefined, { requestKey: 'r1' })).toMatchObject({ title: 'Seen by the retry' });
    expect(meetings.replaced).toHaveLength(1);
  });

  it("does not keep an earlier request's key on a version written without one", async () => {
    const { meetings, meeting, answer } = await world();
    meetings.meetings.set(meeting.id, { ...meeting, requestKey: 'r0' });
    expect(await answer({ response: 'accepted' })).not.toHaveProperty('requestKey');
  });

  it('answers a meeting stored before guests could answer, writing every participant’s answer', async () => {
    const { meetings, meeting, answer, org, guest } = await world();
    const legacy = { ...meeting };
    delete legacy.responses;
    meetings.meetings.set(meeting.id, legacy);
    expect((await answer({ response: 'declined' })).responses).toEqual({ [org.id]: 'accepted', [guest.id]: 'declined' });
  });
});

describe('refused answers', () => {
  it('refuses the organiser declining: they cancel instead', async () => {
    const { meetings, answer, org } = await world();
    await expectRejection(
      answer({ response: 'declined' }, org),
      BusinessRuleViolation,
      'Event organiser can not decline, cancel the event instead',
    );
    expect(meetings.replaced).toEqual([]);
  });

  it('refuses the organiser accepting too: the meeting is theirs to keep or cancel', async () => {
    const { meetings, answer, org } = await world();
    await expectRejection(
      answer({ response: 'accepted' }, org),
      BusinessRuleViolation,
      'Event organiser can not decline, cancel the event instead',
    );
    expect(meetings.replaced).toEqual([]);
  });

  it.each(['accepted', 'declined'])('refuses %s on a cancelled meeting, even when it is the answer already given', async (response) => {
    const { answer } = await world({ status: 'cancelled', answer: 'declined' });
    await expectRejection(answer({ response }), BusinessRuleViolation, 'Event is cancelled');
  });

  it('answers 404 to someone who does not take part, before looking at the body', async () => {
    const { answer, other } = await world();
    await expectRejection(answer({ response: 'maybe' }, other), NotFound, 'Not found.');
    await expectRejection(answer({ response: 'accepted' }, other), NotFound, 'Not found.');
  });

  it('answers 404 for an id that cannot exist', async () => {
    const { answer } = await world();
    await expectRejection(answer({ response: 'accepted' }, undefined, { id: 'nope' }), NotFound, 'Not found.');
  });

  it.each<[string, unknown, string]>([
    ['missing', {}, 'This field is required.'],
    ['null', { response: null }, 'This field may not be null.'],
    ['unknown', { response: 'maybe' }, '"maybe" is not a valid choice.'],
    ['needs_action (not an answer)', { response: 'needs_action' }, '"needs_action" is not a valid choice.'],
    ['of another case', { response: 'Accepted' }, '"Accepted" is not a valid choice.'],
    ['not a string', { response: 1 }, '"1" is not a valid choice.'],
  ])('refuses a response %s with a field error', async (_, body, message) => {
    const { answer, meetings } = await world();
    const error = await expectRejection(answer(body), ValidationFailed, `response: ${message}`);
    expect(error.fields).toEqual({ response: [message] });
    expect(meetings.replaced).toEqual([]);
  });
});

describe('answers in an hour that has begun', () => {
  it('refuses accepting again after declining: the hour would be taken in the past', async () => {
    const { answer } = await world({ answer: 'declined' });
    await expectRejection(
      answer({ response: 'accepted' }, undefined, { at: during }),
      BusinessRuleViolation,
      'Event can not be booked for past datetime : 2030-06-02 10:00:00',
    );
  });

  it('lets a guest who had not answered accept: their hour is held already', async () => {
    const { answer, guest } = await world();
    expect((await answer({ response: 'accepted' }, undefined, { at: during })).responses?.[guest.id]).toBe('accepted');
  });

  it('lets a guest decline, as the organiser may cancel it', async () => {
    const { answer, guest } = await world({ answer: 'accepted' });
    expect((await answer({ response: 'declined' }, undefined, { at: during })).responses?.[guest.id]).toBe('declined');
  });
});

describe('an answer racing other changes of the meeting', () => {
  it('answers again on the version another change wrote, keeping that change', async () => {
    const meetings = new ContestedMeetings(1);
    const { answer, guest } = await world({ meetings });
    const after = await answer({ response: 'declined' });
    expect(after).toMatchObject({ title: 'Edited', version: 3, responses: { [guest.id]: 'declined' } });
    expect(meetings.attempts).toHaveLength(2);
  });

  it(`gives up with 409 after ${ANSWER_ATTEMPTS} lost attempts`, async () => {
    const meetings = new ContestedMeetings(ANSWER_ATTEMPTS);
    const { answer } = await world({ meetings });
    await expectRejection(
      answer({ response: 'declined' }),
      ConcurrentModification,
      'The resource was changed by another request; retry with fresh data.',
    );
    expect(meetings.attempts).toHaveLength(ANSWER_ATTEMPTS);
  });

  it('answers 409 at once when the meeting moved meanwhile: the guest answered another hour', async () => {
    const meetings = new ContestedMeetings(1, (meeting) => ({
      ...meeting,
      slot: { date: '2030-06-02', hour: 11 },
      version: meeting.version + 1,
    }));
    const { answer } = await world({ meetings });
    await expectRejection(
      answer({ response: 'accepted' }),
      ConcurrentModification,
      'The resource was changed by another request; retry with fresh data.',
    );
    expect(meetings.attempts).toHaveLength(1);
  });

  it('answers the new answer when another change made it the recorded one meanwhile', async () => {
    const meetings = new ContestedMeetings(1, (meeting) => ({
      ...meeting,
      responses: { ...meeting.responses, 'id-guest': 'declined' },
      version: meeting.version + 1,
    }));
    const { answer } = await world({ meetings });
    expect(await answer({ response: 'declined' })).toMatchObject({ version: 2, responses: { 'id-guest': 'declined' } });
    expect(meetings.attempts).toHaveLength(1);
  });

  it('passes on a refusal other than a lost race', async () => {
    const meetings = new MemoryMeetings();
    const { answer } = await world({ meetings, answer: 'declined' });
    jest.spyOn(meetings, 'replace').mockRejectedValue(new BusinessRuleViolation('Time slot is not available for user : guest@example.com'));
    await expectRejection(
      answer({ response: 'accepted' }),
      BusinessRuleViolation,
      'Time slot is not available for user : guest@example.com',
    );
    expect(meetings.replace).toHaveBeenCalledTimes(1);
  });
});
