/**
 * Guests answer (API Part C): POST /api/event/{id}/respond/ on DynamoDB Local. Declining
 * frees the guest's hour and accepting again takes it back under booking's checks, in
 * one transaction with the meeting; every answer and refusal is compared whole, and the
 * table's invariants are checked after each test.
 */
import { services } from '../../functions/services';
import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { aboutMeeting, captureEvents, stopCaptures } from '../support/events';
import { integrityOf } from '../support/integrity';

jest.setTimeout(30_000);

const at = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const rule = (message: string) => ({ status: 400, body: { err_message: [message] } });
const conflicting = (who: LoggedIn) => rule(`Time slot is conflicting with another event for user : ${who.user.email}`);
const unavailable = (who: LoggedIn) => rule(`Time slot is not available for user : ${who.user.email}`);

const book = (organiser: LoggedIn, time_slot: string, guests: LoggedIn[], title = 'Answers') =>
  call('POST', '/api/event/', {
    headers: organiser.auth,
    body: { title, description: null, time_slot, participants: guests.map((guest) => guest.user.email) },
  });
async function booked(organiser: LoggedIn, time_slot: string, guests: LoggedIn[] = []): Promise<string> {
  const response = await book(organiser, time_slot, guests);
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response.id;
}
const respond = (who: LoggedIn, id: string, response: unknown, headers: Record<string, string> = {}) =>
  call('POST', `/api/event/${id}/respond/`, { headers: { ...who.auth, ...headers }, body: { response } });
const patch = (who: LoggedIn, id: string, body: Record<string, unknown>) => call('PATCH', `/api/event/${id}/`, { headers: who.auth, body });
const block = (who: LoggedIn, date: string, hours: number[]) =>
  call('POST', '/api/user/block_slots/', { headers: who.auth, body: { date, blocked_slots: hours } });
const outcome = (response: { status: number; body: unknown }) => ({ status: response.status, body: response.body });

/** The hours of `date` that hold `who`'s meetings or blocks, as their own availability shows them. */
async function heldHours(who: LoggedIn, date: string): Promise<number[]> {
  const response = await call('GET', `/api/user/get_available_slots/?date=${date}`, { headers: who.auth });
  return response.body.response.blocked_slots;
}
const shown = async (who: LoggedIn, id: string) => (await call('GET', `/api/event/${id}/`, { headers: who.auth })).body;
const listed = async (who: LoggedIn) => (await call('GET', '/api/event/', { headers: who.auth })).body.results;
const versionOf = async (id: string) => (await services().meetings.get(id))?.version;

/** Nothing of these users' items breaks an invariant. */
async function expectIntact(...people: LoggedIn[]) {
  expect(await integrityOf({ userIds: people.map((person) => person.user.id) })).toEqual([]);
}

describe('a guest answers', () => {
  let organiser: LoggedIn;
  let guest: LoggedIn;
  let other: LoggedIn;
  beforeEach(async () => {
    [organiser, guest, other] = await Promise.all([signedInUser('ansorg'), signedInUser('ansguest'), signedInUser('ansother')]);
  });
  afterEach(async () => expectIntact(organiser, guest, other));

  it('shows every answer in the meeting: the organiser accepted, a new guest needing action', async () => {
    const date = freshDate();
    const id = await booked(organiser, at(date, 10), [guest, other]);
    const responses = {
      [organiser.user.email]: 'accepted',
      [guest.user.email]: 'needs_action',
      [other.user.email]: 'needs_action',
    };
    expect((await shown(guest, id)).responses).toEqual(responses);
    expect((await listed(other)).find((meeting: { id: string }) => meeting.id === id)?.responses).toEqual(responses);
  });

  it('declines: 200 with the meeting, the hour free for the guest alone, the meeting still listed', async () => {
    const date = freshDate();
    const id = await booked(organiser, at(date, 10), [guest]);
    const before = await shown(organiser, id);

    const response = await respond(guest, id, 'declined');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      response: {
        ...before,
        modified: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        responses: { [organiser.user.email]: 'accepted', [guest.user.email]: 'declined' },
      },
    });
    expect(await heldHours(guest, date)).toEqual([]);
    expect(await heldHours(organiser, date)).toEqual([10]);
    expect(await shown(guest, id)).toEqual(response.body.response);
    expect((await listed(guest)).map((meeting: { id: string }) => meeting.id)).toContain(id);
    expect(
      (await call('GET', '/api/event/?status=active', { headers: guest.auth })).body.results.map((m: { id: string }) => m.id),
    ).toContain(id);
    expect(await versionOf(id)).toBe(2);
  });

  it('declines, and another organiser may book the guest in that hour', async () => {
    const date = freshDate();
    const id = await booked(organiser, at(date, 10), [guest]);
    expect(outcome(await book(other, at(date, 10), [guest]))).toEqual(conflicting(guest));
    expect((await respond(guest, id, 'declined')).status).toBe(200);
    expect((await book(other, at(date, 10), [guest])).status).toBe(201);
    expect(await heldHours(guest, date)).toEqual([10]);
  });

  it('accepts again after declining: the hour is taken back', async () => {
    const date = freshDate();
    const id = await booked(organiser, at(date, 10), [guest]);
    await respond(guest, id, 'declined');
    const response = await respond(guest, id, 'accepted');
    expect(response.status).toBe(200);
    expect(response.body.response.responses).toEqual({ [organiser.user.email]: 'accepted', [guest.user.email]: 'accepted' });
    expect(await heldHours(guest, date)).toEqual([10]);
    expect(await versionOf(id)).toBe(3);
  });

  it('accepts a meeting it had not answered: the answer is recorded, the hour stays held', async () => {
    const date = freshDate();
    const id = await booked(organiser, at(date, 10), [guest]);
    const response = await respond(guest, id, 'accepted');
    expect(response.status).toBe(200);
    expect(response.body.response.responses[guest.user.email]).toBe('accepted');
    expect(await heldHours(guest, date)).toEqual([10]);
  });

  it('may not accept again into an hour it has blocked since: nothing changes', async () => {
    const date = freshDate();
    const id = await booked(organiser, at(date, 10), [guest]);
    await respond(guest, id, 'declined');
    expect((await block(guest, date, [10])).status).toBe(200);
    expect(outcome(await respond(guest, id, 'accepted'))).toEqual(unavailable(guest));
    expect((await shown(guest, id)).responses[guest.user.email]).toBe('declined');
    expect(await versionOf(id)).toBe(2);
  });

  it('may not accept again into an hour another meeting holds since: nothing changes', async () => {
    const date = freshDate();
    const id = await booked(organiser, at(date, 10), [guest]);
    await respond(guest, id, 'declined');
    const otherMeeting = await booked(other, at(date, 10), [guest]);
    expect(outcome(await respond(guest, id, 'accepted'))).toEqual(conflicting(guest));
    expect((await shown(guest, id)).responses[guest.user.email]).toBe('declined');
    expect((await shown(guest, otherMeeting)).status).toBe('active');
    expect(await versionOf(id)).toBe(2);
  });

  it('answers the answer already given with 200 and writes nothing', async () => {
    const id = await booked(organiser, at(freshDate(), 10), [guest]);
    const first = await respond(guest, id, 'declined');
    const again = await respond(guest, id, 'declined');
    expect(outcome(again)).toEqual(outcome(first));
    expect(await versionOf(id)).toBe(2);
  });

  it('refuses any answer of the organiser, writing nothing', async () => {
    const id = await booked(organiser, at(freshDate(), 10), [guest]);
    expect(outcome(await respond(organiser, id, 'declined'))).toEqual(rule('Event organiser can not decline, cancel the event instead'));
    expect(outcome(await respond(organiser, id, 'accepted'))).toEqual(rule('Event organiser can not decline, cancel the event instead'));
    expect(await versionOf(id)).toBe(1);
  });

  it('refuses any answer to a cancelled meeting', async () => {
    const id = await booked(organiser, at(freshDate(), 10), [guest]);
    await respond(guest, id, 'declined');
    expect((await patch(organiser, id, { status: 'cancelled' })).status).toBe(200);
    for (const answer of ['accepted', 'declined']) expect(outcome(await respond(guest, id, answer))).toEqual(rule('Event is cancelled'));
  });

  it('answers 404 to someone who does not take part, a guest removed, and an unknown id', async () => {
    const id = await booked(organiser, at(freshDate(), 10), [guest]);
    const notFound = { status: 404, body: { detail: 'Not found.' } };
    expect(outcome(await respond(other, id, 'accepted'))).toEqual(notFound);
    expect(outcome(await respond(other, '01J0UNKNOWN000000000000000', 'accepted'))).toEqual(notFound);
    expect((await patch(organiser, id, { participants: [organiser.user.email] })).status).toBe(200);
    expect(outcome(await respond(guest, id, 'declined'))).toEqual(notFound);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no response', {}, 'This field is required.'],
    ['a null response', { response: null }, 'This field may not be null.'],
    ['an unknown response', { response: 'maybe' }, '"maybe" is not a valid choice.'],
    ['needs_action, which is no answer', { response: 'needs_action' }, '"needs_action" is not a valid choice.'],
  ])('refuses %s with a field error', async (_, body, message) => {
    const id = await booked(organiser, at(freshDate(), 10), [guest]);
    const response = await call('POST', `/api/event/${id}/respond/`, { headers: guest.auth, body });
    expect(outcome(response)).toEqual({
      status: 400,
      body: { response: [message], err_message: [`response: ${message}`], choices: { response: ['accepted', 'declined'] } },
    });
    expect(await versionOf(id)).toBe(1);
  });

  it('answers a retry with the same Idempotency-Key with the first answer, writing once', async () => {
    const date = freshDate();
    const id = await booked(organiser, at(date, 10), [guest]);
    const key = { 'idempotency-key': `answer-${id}` };
    const first = await respond(guest, id, 'declined', key);
    expect(first.status).toBe(200);
    expect((await respond(guest, id, 'accepted')).status).toBe(200);
    expect(outcome(await respond(guest, id, 'declined', key))).toEqual(outcome(first));
    expect(await versionOf(id)).toBe(3);
    expect(await heldHours(guest, date)).toEqual([10]);
    expect((await respond(guest, id, 'accepted', key)).status).toBe(422);
  });
});

describe("an organiser's changes and the answers", () => {
  let organiser: LoggedIn;
  let accepting: LoggedIn;
  let declining: LoggedIn;
  beforeEach(async () => {
    [organiser, accepting, declining] = await Promise.all([signedInUser('chgorg'), signedInUser('chgacc'), signedInUser('chgdecl')]);
  });
  afterEach(async () => expectIntact(organiser, accepting, declining));

  async function answeredMeeting(date: string): Promise<string> {
    const id = await booked(organiser, at(date, 10), [accepting, declining]);
    expect((await respond(accepting, id, 'accepted')).status).toBe(200);
    expect((await respond(declining, id, 'declined')).status).toBe(200);
    return id;
  }
  const answers = (acceptingAnswer: string, decliningAnswer: string) => ({
    [organiser.user.email]: 'accepted',
    [accepting.user.email]: acceptingAnswer,
    [declining.user.email]: decliningAnswer,
  });

  it('an edit keeps every answer and shows them in its answer', async () => {
    const id = await answeredMeeting(freshDate());
    const response = await patch(organiser, id, { title: 'Renamed' });
    expect(response.body.response.responses).toEqual(answers('accepted', 'declined'));
  });

  it('a move asks again who accepted and takes their hour; who declined stays declined and is not taken', async () => {
    const date = freshDate();
    const id = await answeredMeeting(date);
    expect((await block(declining, date, [11])).status).toBe(200);
    const response = await patch(organiser, id, { time_slot: at(date, 11) });
    expect(response.status).toBe(200);
    expect(response.body.response.responses).toEqual(answers('needs_action', 'declined'));
    expect(await heldHours(accepting, date)).toEqual([11]);
    expect(await heldHours(declining, date)).toEqual([11]);
    expect(outcome(await respond(declining, id, 'accepted'))).toEqual(unavailable(declining));
  });

  it('a re-activation asks again who accepted and takes their hour; who declined stays declined and is not taken', async () => {
    const date = freshDate();
    const id = await answeredMeeting(date);
    expect((await patch(organiser, id, { status: 'cancelled' })).body.response.responses).toEqual(answers('accepted', 'declined'));
    expect(await booked(declining, at(date, 10))).toEqual(expect.any(String));
    const response = await patch(organiser, id, { status: 'active' });
    expect(response.status).toBe(200);
    expect(response.body.response.responses).toEqual(answers('needs_action', 'declined'));
    expect(await heldHours(accepting, date)).toEqual([10]);
  });

  it('a guest added needs action, and so does a guest removed and added back', async () => {
    const id = await answeredMeeting(freshDate());
    await patch(organiser, id, { participants: [organiser.user.email, accepting.user.email] });
    const back = await patch(organiser, id, { participants: [organiser.user.email, accepting.user.email, declining.user.email] });
    expect(back.body.response.responses).toEqual(answers('accepted', 'needs_action'));
  });

  it('removing a guest who declined frees nothing and keeps the table whole', async () => {
    const date = freshDate();
    const id = await answeredMeeting(date);
    const response = await patch(organiser, id, { participants: [organiser.user.email, accepting.user.email] });
    expect(response.status).toBe(200);
    expect(await heldHours(declining, date)).toEqual([]);
    expect(await heldHours(accepting, date)).toEqual([10]);
  });

  it('a PUT shows the answers too', async () => {
    const date = freshDate();
    const id = await answeredMeeting(date);
    const response = await call('PUT', `/api/event/${id}/`, {
      headers: organiser.auth,
      body: {
        title: 'Put',
        description: '',
        time_slot: at(date, 10),
        participants: [organiser.user.email, accepting.user.email, declining.user.email],
        status: 'active',
      },
    });
    expect(response.body.response.responses).toEqual(answers('accepted', 'declined'));
  });
});

describe('answers in an hour that has begun', () => {
  // The service clock (UTC here) stands before the meeting, then during it.
  const day = '2031-03-04';
  afterEach(unpinClock);

  it('refuses accepting again after declining, and allows declining', async () => {
    pinClock(`${day}T08:00:00.000Z`);
    const [organiser, declined, accepted] = await Promise.all([signedInUser('pastorg'), signedInUser('pastdecl'), signedInUser('pastacc')]);
    const id = await booked(organiser, at(day, 10), [declined, accepted]);
    expect((await respond(declined, id, 'declined')).status).toBe(200);
    expect((await respond(accepted, id, 'accepted')).status).toBe(200);

    setClock(`${day}T10:30:00.000Z`);
    expect(outcome(await respond(declined, id, 'accepted'))).toEqual(rule(`Event can not be booked for past datetime : ${at(day, 10)}`));
    const declining = await respond(accepted, id, 'declined');
    expect(declining.status).toBe(200);
    expect(declining.body.response.responses[accepted.user.email]).toBe('declined');
    expect(await heldHours(accepted, day)).toEqual([]);
    await expectIntact(organiser, declined, accepted);
  });
});

describe('events of answers', () => {
  afterAll(stopCaptures);

  it('tells an answer as meeting.responded, and an answer that changes nothing not at all', async () => {
    const capture = await captureEvents();
    const [organiser, guest] = await Promise.all([signedInUser('evansorg'), signedInUser('evansguest')]);
    const id = await booked(organiser, at(freshDate(), 10), [guest]);
    const declined = (await respond(guest, id, 'declined')).body.response;
    await respond(guest, id, 'declined');
    await patch(organiser, id, { title: 'After the answer' });
    const accepted = (await respond(guest, id, 'accepted')).body.response;

    const events = aboutMeeting(await capture.settled(), id);
    await capture.stop();
    expect(events.map((event) => [event.id, event.type])).toEqual([
      [`${id}:1`, 'meeting.booked'],
      [`${id}:2`, 'meeting.responded'],
      [`${id}:3`, 'meeting.updated'],
      [`${id}:4`, 'meeting.responded'],
    ]);
    expect(events[1]?.data).toEqual({ meeting: { ...declined, version: 2 }, participant: guest.user.email, response: 'declined' });
    expect(events[3]?.data).toEqual({ meeting: { ...accepted, version: 4 }, participant: guest.user.email, response: 'accepted' });
  });
});
