/**
 * Guests' answers racing other writes, as concurrent requests to the handlers on
 * DynamoDB Local, round after round (each on a date of its own), each round followed by
 * the integrity checker: nobody double-booked, no hour held for a guest who declined, no
 * update lost.
 */
import { services } from '../../functions/services';
import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { integrityOf } from '../support/integrity';

jest.setTimeout(120_000);

const ROUNDS = 6;
const at = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const outcome = (response: { status: number; body: unknown }) => ({ status: response.status, body: response.body });
const conflicting = (who: LoggedIn) => ({
  status: 400,
  body: { err_message: [`Time slot is conflicting with another event for user : ${who.user.email}`] },
});
const changedMeanwhile = { status: 409, body: { detail: 'The resource was changed by another request; retry with fresh data.' } };

const book = (organiser: LoggedIn, time_slot: string, guests: LoggedIn[]) =>
  call('POST', '/api/event/', {
    headers: organiser.auth,
    body: { title: 'Race', description: '', time_slot, participants: guests.map((guest) => guest.user.email) },
  });
async function booked(organiser: LoggedIn, time_slot: string, guests: LoggedIn[]): Promise<string> {
  const response = await book(organiser, time_slot, guests);
  if (response.status !== 201) throw new Error(`booking failed: ${response.text}`);
  return response.body.response.id;
}
const respond = (who: LoggedIn, id: string, response: string) =>
  call('POST', `/api/event/${id}/respond/`, { headers: who.auth, body: { response } });
const patch = (who: LoggedIn, id: string, body: Record<string, unknown>) => call('PATCH', `/api/event/${id}/`, { headers: who.auth, body });
async function heldHours(who: LoggedIn, date: string): Promise<number[]> {
  const response = await call('GET', `/api/user/get_available_slots/?date=${date}`, { headers: who.auth });
  return response.body.response.blocked_slots;
}
/**
 * Starts `run` after `ms` milliseconds. The answer is the quicker request: each round lets
 * it start a little later, so that over the rounds either side reaches the table first.
 */
const after = <T>(ms: number, run: () => Promise<T>) => new Promise((resolve) => setTimeout(resolve, ms)).then(run);
const stagger = (round: number) => (round % 3) * 5;
const stored = async (id: string) => (await services().meetings.get(id))!;

let organiser: LoggedIn;
let rival: LoggedIn;
let guest: LoggedIn;
let others: LoggedIn[];
beforeAll(async () => {
  const people = await Promise.all(
    ['raceorg', 'racerival', 'raceguest', 'raceg1', 'raceg2', 'raceg3'].map((prefix) => signedInUser(prefix)),
  );
  [organiser, rival, guest] = people as [LoggedIn, LoggedIn, LoggedIn];
  others = people.slice(3);
});

async function expectIntact() {
  expect(await integrityOf({ userIds: [organiser, rival, guest, ...others].map((person) => person.user.id) })).toEqual([]);
}

describe("guests' answers racing other writes", () => {
  it('a decline and a booking of the hour it frees: the booking wins only once the hour is free', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const id = await booked(organiser, at(date, 10), [guest]);
      const [declined, rivalBooking] = await Promise.all([
        after(stagger(round), () => respond(guest, id, 'declined')),
        book(rival, at(date, 10), [guest]),
      ]);

      expect(declined.status).toBe(200);
      if (rivalBooking.status !== 201) expect(outcome(rivalBooking)).toEqual(conflicting(guest));
      expect(await heldHours(guest, date)).toEqual(rivalBooking.status === 201 ? [10] : []);
      expect((await stored(id)).responses?.[guest.user.id]).toBe('declined');
      await expectIntact();
    }
  });

  it('an acceptance after declining and a booking of that hour: exactly one takes it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const id = await booked(organiser, at(date, 10), [guest]);
      expect((await respond(guest, id, 'declined')).status).toBe(200);
      const [accepted, rivalBooking] = await Promise.all([
        after(stagger(round), () => respond(guest, id, 'accepted')),
        book(rival, at(date, 10), [guest]),
      ]);

      const winners = [accepted.status === 200, rivalBooking.status === 201].filter(Boolean);
      expect(winners).toHaveLength(1);
      expect(outcome(accepted.status === 200 ? rivalBooking : accepted)).toEqual(conflicting(guest));
      expect((await stored(id)).responses?.[guest.user.id]).toBe(accepted.status === 200 ? 'accepted' : 'declined');
      expect(await heldHours(guest, date)).toEqual([10]);
      await expectIntact();
    }
  });

  it('a decline and a move of the meeting: no update lost, no hour held for the guest who declined', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const id = await booked(organiser, at(date, 10), [guest]);
      const [declined, moved] = await Promise.all([
        after(stagger(round), () => respond(guest, id, 'declined')),
        patch(organiser, id, { time_slot: at(date, 11) }),
      ]);

      for (const answer of [declined, moved]) if (answer.status !== 200) expect(outcome(answer)).toEqual(changedMeanwhile);
      const successes = [declined, moved].filter((answer) => answer.status === 200).length;
      expect(successes).toBeGreaterThanOrEqual(1);
      const meeting = await stored(id);
      expect(meeting.version).toBe(1 + successes);
      expect(meeting.slot.hour).toBe(moved.status === 200 ? 11 : 10);
      expect(meeting.responses?.[guest.user.id]).toBe(declined.status === 200 ? 'declined' : 'needs_action');
      expect(await heldHours(guest, date)).toEqual(declined.status === 200 ? [] : [meeting.slot.hour]);
      expect(await heldHours(organiser, date)).toEqual([meeting.slot.hour]);
      await expectIntact();
    }
  });

  it('an answer racing an unrelated edit of the meeting still succeeds, and the edit is kept when it won', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const id = await booked(organiser, at(date, 10), [guest]);
      const [declined, renamed] = await Promise.all([
        after(stagger(round), () => respond(guest, id, 'declined')),
        patch(organiser, id, { title: `Renamed ${round}` }),
      ]);

      expect(declined.status).toBe(200);
      if (renamed.status !== 200) expect(outcome(renamed)).toEqual(changedMeanwhile);
      const meeting = await stored(id);
      expect(meeting.responses?.[guest.user.id]).toBe('declined');
      expect(meeting.title).toBe(renamed.status === 200 ? `Renamed ${round}` : 'Race');
      expect(await heldHours(guest, date)).toEqual([]);
      await expectIntact();
    }
  });

  it('guests answering one meeting at once all succeed, each answer kept', async () => {
    const guests = [guest, ...others];
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const id = await booked(organiser, at(date, 10), guests);
      const answers = guests.map((_, index) => (index % 2 === 0 ? 'declined' : 'accepted'));
      const responses = await Promise.all(guests.map((who, index) => respond(who, id, answers[index]!)));

      expect(responses.map((response) => response.status)).toEqual(guests.map(() => 200));
      const meeting = await stored(id);
      expect(guests.map((who) => meeting.responses?.[who.user.id])).toEqual(answers);
      expect(meeting.version).toBe(1 + guests.length);
      for (const [index, who] of guests.entries()) expect(await heldHours(who, date)).toEqual(answers[index] === 'declined' ? [] : [10]);
      await expectIntact();
    }
  });
});
