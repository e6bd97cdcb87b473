import { freshDate, uniqueUser } from '../support/api';
import { type HttpAnswer, httpClient, httpUser } from '../support/http-client';
import { integrityOf } from '../support/integrity';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(180_000);

let server: LocalServer;
const request = httpClient(() => server.url);

beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
});
// Rounds of a test never share a day or a meeting, so a broken invariant stays in the
// table: checking after the test catches it. The newer races also check after each round.
afterEach(async () => {
  await expectIntact();
});
afterAll(async () => {
  await server?.stop();
});

const ROUNDS = 4;
type Person = Awaited<ReturnType<typeof httpUser>>;

/** Nothing else writes to this server's table while a test runs: every invariant must hold. */
async function expectIntact(): Promise<void> {
  expect(await integrityOf({ endpoint: server.dynamoDbEndpoint, accessKeyId: server.accessKeyId, table: 'calendar' })).toEqual([]);
}

const meeting = (time_slot: string, participants: string[]) => ({ title: 'Race', description: '', time_slot, participants });
const slot = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const people = (prefix: string, count: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => httpUser(request, uniqueUser(`${prefix}${i}`))));

const book = (organiser: Person, timeSlot: string, guests: Person[]) =>
  request('POST', '/api/event/', {
    headers: organiser.auth,
    body: meeting(
      timeSlot,
      guests.map((guest) => guest.user.email),
    ),
  });
const block = (who: Person, date: string, hours: number[]) =>
  request('POST', '/api/user/block_slots/', { headers: who.auth, body: { date, blocked_slots: hours } });
const unblock = (who: Person, date: string, hours: number[]) =>
  request('POST', '/api/user/unblock_slots/', { headers: who.auth, body: { date, unblocked_slots: hours } });
const replaceBlocks = (who: Person, date: string, hours: number[]) =>
  request('PUT', `/api/user/blocked_slots/${date}/`, { headers: who.auth, body: { blocked_slots: hours } });
const respond = (guest: Person, id: string, response: 'accepted' | 'declined') =>
  request('POST', `/api/event/${id}/respond/`, { headers: guest.auth, body: { response } });
const patch = (organiser: Person, id: string, body: Record<string, unknown>) =>
  request('PATCH', `/api/event/${id}/`, { headers: organiser.auth, body });
const dayOf = async (who: Person, date: string) =>
  (await request('GET', `/api/user/get_available_slots/?date=${date}`, { headers: who.auth })).body.response;
const meetingSeenBy = async (who: Person, id: string) => request('GET', `/api/event/${id}/`, { headers: who.auth });

/** Books and checks that it worked: the arrange step of a race. */
async function booked(organiser: Person, timeSlot: string, guests: Person[] = []): Promise<string> {
  const answer = await book(organiser, timeSlot, guests);
  expect(answer.status).toBe(201);
  return answer.body.response.id;
}

const rule = (message: string) => ({ status: 400, body: { err_message: [message] } });
const conflicting = (who: Person) => rule(`Time slot is conflicting with another event for user : ${who.user.email}`);
const unavailable = (who: Person) => rule(`Time slot is not available for user : ${who.user.email}`);
const alreadyBooked = (hour: number) => rule(`There is already an event booked at time slot : ${hour}`);
const changedMeanwhile = { status: 409, body: { detail: 'The resource was changed by another request; retry with fresh data.' } };
const shape = (answer: HttpAnswer) => ({ status: answer.status, body: answer.body });

/** The blocks each serial order of `writes` leaves, starting from `start` (sorted, comma-joined). */
function serialOutcomes(start: number[], writes: ((hours: Set<number>) => Set<number>)[]): Set<string> {
  const outcomes = new Set<string>();
  const visit = (hours: Set<number>, left: typeof writes) => {
    if (left.length === 0) outcomes.add([...hours].sort((a, b) => a - b).join());
    left.forEach((write, index) => visit(write(hours), [...left.slice(0, index), ...left.slice(index + 1)]));
  };
  visit(new Set(start), writes);
  return outcomes;
}

describe('races over HTTP against the local server', () => {
  it("lets exactly one of 12 organisers take one guest's hour, round after round", async () => {
    const [guest] = await people('guest', 1);
    const organisers = await people('org', 12);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const timeSlot = slot(date, 8 + round);
      const answers = await Promise.all(organisers.map((organiser) => book(organiser, timeSlot, [guest!])));

      const winners = organisers.filter((_, i) => answers[i]!.status === 201);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      const won = answers[organisers.indexOf(winner)]!.body.response;
      expect(won).toMatchObject({
        organiser: winner.user.email,
        participants: [winner.user.email, guest!.user.email],
        time_slot: timeSlot,
      });
      for (const [i, answer] of answers.entries())
        if (answer.status !== 201) expect({ i, ...shape(answer) }).toEqual({ i, ...conflicting(guest!) });

      // The guest's hour is the winner's meeting (a loser's stray hour would break integrity).
      expect((await meetingSeenBy(guest!, won.id)).status).toBe(200);
      expect((await dayOf(guest!, date)).blocked_slots).toEqual([8 + round]);
    }
  });

  it('lets exactly one of a block and a booking of one hour win, and leaves the state of the winner', async () => {
    const [guest, organiser] = await people('blockbook', 2);
    for (let round = 0; round < ROUNDS * 2; round++) {
      const date = freshDate();
      const hour = 10 + round;
      const [blocked, bookedAnswer] = await Promise.all([block(guest!, date, [hour]), book(organiser!, slot(date, hour), [guest!])]);

      const guestDay = await dayOf(guest!, date);
      const organiserDay = await dayOf(organiser!, date);
      expect(guestDay.blocked_slots).toEqual([hour]);
      if (blocked.status === 200) {
        expect(shape(bookedAnswer)).toEqual(unavailable(guest!));
        // Blocked: the guest's day has its record; the organiser holds nothing.
        expect(guestDay.id).toBe(blocked.body.response.id);
        expect(guestDay.id).not.toBeNull();
        expect(organiserDay.blocked_slots).toEqual([]);
      } else {
        expect(shape(blocked)).toEqual(alreadyBooked(hour));
        expect(bookedAnswer.status).toBe(201);
        // Booked: the failed block wrote nothing, not even the day's record; both hold the meeting.
        expect(guestDay.id).toBeNull();
        expect(organiserDay.blocked_slots).toEqual([hour]);
        expect((await meetingSeenBy(guest!, bookedAnswer.body.response.id)).body.status).toBe('active');
      }
    }
  });

  it('never double-books anyone under concurrent sign-ups and bookings, and refuses only with the booking messages', async () => {
    const date = freshDate();
    const crowd = await people('stress', 12);
    const pick = (seed: number, count: number) => Array.from({ length: count }, (_, i) => crowd[(seed * 7 + i * 5) % crowd.length]!);
    const booked: { timeSlot: string; participants: string[] }[] = [];
    const refusals: { answer: object; allowed: object[] }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([
        // Newcomers sign up and log in while the others book (httpUser throws on any failure).
        ...Array.from({ length: 6 }, () => httpUser(request, uniqueUser('newcomer'))),
        ...Array.from({ length: 24 }, async (_, i) => {
          const [organiser, ...guests] = pick(round * 24 + i, 3);
          const timeSlot = slot(date, ((round * 24 + i) % 6) + 9);
          const answer = await book(organiser!, timeSlot, guests);
          if (answer.status === 201) booked.push({ timeSlot, participants: answer.body.response.participants });
          else refusals.push({ answer: shape(answer), allowed: [organiser!, ...guests].map(conflicting) });
        }),
      ]);
    }
    expect(booked.length).toBeGreaterThan(0);
    // Every refusal names a participant of its own request who was busy then.
    for (const { answer, allowed } of refusals) expect(allowed).toContainEqual(answer);
    // No person is in two meetings at one hour.
    const seen = new Set<string>();
    for (const { timeSlot, participants } of booked) {
      for (const email of participants) {
        expect(seen.has(`${timeSlot} ${email}`)).toBe(false);
        seen.add(`${timeSlot} ${email}`);
      }
    }
    // Every booked hour shows up in each participant's availability, and nothing else does.
    for (const person of crowd) {
      const expected = booked
        .filter((entry) => entry.participants.includes(person.user.email))
        .map((entry) => Number(entry.timeSlot.slice(11, 13)))
        .sort((a, b) => a - b);
      expect((await dayOf(person, date)).blocked_slots).toEqual(expected);
    }
  });

  it("lets exactly one of two organisers move their meeting into a shared guest's hour", async () => {
    const [guest, first, second] = await people('mover', 3);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const a = await booked(first!, slot(date, 8), [guest!]);
      const b = await booked(second!, slot(date, 9), [guest!]);
      const target = slot(date, 15);
      const moves = await Promise.all([patch(first!, a, { time_slot: target }), patch(second!, b, { time_slot: target })]);

      expect(moves.map((move) => move.status).sort()).toEqual([200, 400]);
      expect(shape(moves.find((move) => move.status === 400)!)).toEqual(conflicting(guest!));
      const aWon = moves[0]!.status === 200;
      expect((await meetingSeenBy(first!, a)).body.time_slot).toBe(aWon ? target : slot(date, 8));
      expect((await meetingSeenBy(second!, b)).body.time_slot).toBe(aWon ? slot(date, 9) : target);
      expect((await dayOf(guest!, date)).blocked_slots).toEqual(aWon ? [9, 15] : [8, 15]);
    }
  });

  it('never loses an update or mixes states when one meeting is patched twice at once', async () => {
    const [organiser, guest] = await people('patcher', 2);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const id = await booked(organiser!, slot(date, 8), [guest!]);
      const changes = [
        { title: 'Morning', time_slot: slot(date, 10) },
        { title: 'Evening', time_slot: slot(date, 18) },
      ];
      const answers = await Promise.all(changes.map((body) => patch(organiser!, id, body)));

      const won = answers.filter((answer) => answer.status === 200);
      expect(won.length).toBeGreaterThanOrEqual(1);
      for (const answer of answers) if (answer.status !== 200) expect(shape(answer)).toEqual(changedMeanwhile);
      const final = (await meetingSeenBy(organiser!, id)).body;
      // The meeting is exactly one of the two changes, never a mix, and its hour is held.
      expect(changes).toContainEqual({ title: final.title, time_slot: final.time_slot });
      // With one winner, it is that winner's change; two successes applied one after the other.
      if (won.length === 1) expect(won[0]!.body.response).toMatchObject({ title: final.title, time_slot: final.time_slot });
      for (const who of [organiser!, guest!])
        expect((await dayOf(who, date)).blocked_slots).toEqual([Number(final.time_slot.slice(11, 13))]);

      // Two edits of different fields: each one that succeeded is in the meeting, each refused one is not.
      const edits = [{ title: 'Renamed' }, { description: 'Rewritten' }];
      const edited = await Promise.all(edits.map((body) => patch(organiser!, id, body)));
      expect(edited.map((answer) => answer.status)).toContain(200);
      for (const answer of edited) if (answer.status !== 200) expect(shape(answer)).toEqual(changedMeanwhile);
      const after = (await meetingSeenBy(organiser!, id)).body;
      expect({ title: after.title === 'Renamed', description: after.description === 'Rewritten' }).toEqual({
        title: edited[0]!.status === 200,
        description: edited[1]!.status === 200,
      });
    }
  });

  it('ends a cancel racing a move in the state of the change that won', async () => {
    const [organiser, guest] = await people('racer', 2);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const id = await booked(organiser!, slot(date, 8), [guest!]);
      const [cancel, move] = await Promise.all([
        patch(organiser!, id, { status: 'cancelled' }),
        patch(organiser!, id, { time_slot: slot(date, 13) }),
      ]);

      for (const answer of [cancel, move]) if (answer.status !== 200) expect(shape(answer)).toEqual(changedMeanwhile);
      expect([cancel.status, move.status]).toContain(200);
      // Cancel alone: cancelled where it was. Move alone: active at 13. Both (one after the
      // other, in either order): cancelled at 13, holding nothing.
      const expected =
        cancel.status !== 200
          ? { status: 'active', time_slot: slot(date, 13) }
          : { status: 'cancelled', time_slot: move.status === 200 ? slot(date, 13) : slot(date, 8) };
      const final = (await meetingSeenBy(organiser!, id)).body;
      expect({ status: final.status, time_slot: final.time_slot }).toEqual(expected);
      for (const who of [organiser!, guest!]) {
        expect((await dayOf(who, date)).blocked_slots).toEqual(expected.status === 'active' ? [13] : []);
      }
    }
  });

  it('lets exactly one of a block and a move into the blocked hour win', async () => {
    const [organiser, guest] = await people('blockmove', 2);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const id = await booked(organiser!, slot(date, 8), [guest!]);
      // The guest blocks in even rounds, the organiser in odd ones.
      const blocker = round % 2 === 0 ? guest! : organiser!;
      const other = blocker === guest ? organiser! : guest!;
      const [blocked, moved] = await Promise.all([block(blocker, date, [15]), patch(organiser!, id, { time_slot: slot(date, 15) })]);

      const final = (await meetingSeenBy(organiser!, id)).body;
      if (blocked.status === 200) {
        expect(shape(moved)).toEqual(unavailable(blocker));
        // The meeting stayed where it was; the blocker has it and the block.
        expect(final.time_slot).toBe(slot(date, 8));
        expect((await dayOf(blocker, date)).blocked_slots).toEqual([8, 15]);
        expect((await dayOf(other, date)).blocked_slots).toEqual([8]);
      } else {
        expect(shape(blocked)).toEqual(alreadyBooked(15));
        expect(moved.status).toBe(200);
        expect(final.time_slot).toBe(slot(date, 15));
        // The old hour is free for both; the failed block wrote not even the day's record.
        expect(await dayOf(blocker, date)).toMatchObject({ id: null, blocked_slots: [15] });
        expect((await dayOf(other, date)).blocked_slots).toEqual([15]);
      }
      await expectIntact();
    }
  });

  it("lets exactly one of a participants change and another organiser's booking take a person's hour", async () => {
    const [organiser, rival, person] = await people('invite', 3);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const timeSlot = slot(date, 11);
      const id = await booked(organiser!, timeSlot);
      const [invited, rivalBooking] = await Promise.all([
        patch(organiser!, id, { participants: [organiser!.user.email, person!.user.email] }),
        book(rival!, timeSlot, [person!]),
      ]);

      const final = (await meetingSeenBy(organiser!, id)).body;
      const [rivalDay, personDay] = await Promise.all([dayOf(rival!, date), dayOf(person!, date)]);
      expect(personDay.blocked_slots).toEqual([11]);
      if (invited.status === 200) {
        expect(shape(rivalBooking)).toEqual(conflicting(person!));
        expect(final.participants).toEqual([organiser!.user.email, person!.user.email]);
        expect((await meetingSeenBy(person!, id)).status).toBe(200);
        expect(rivalDay.blocked_slots).toEqual([]);
      } else {
        expect(shape(invited)).toEqual(conflicting(person!));
        expect(rivalBooking.status).toBe(201);
        // The refused change left the meeting as it was; the person's hour is the rival's meeting.
        expect(final.participants).toEqual([organiser!.user.email]);
        expect((await meetingSeenBy(person!, id)).status).toBe(404);
        expect((await meetingSeenBy(person!, rivalBooking.body.response.id)).status).toBe(200);
        expect(rivalDay.blocked_slots).toEqual([11]);
      }
      await expectIntact();
    }
  });

  it("loses no hour when several first blocks of a user's day arrive at once", async () => {
    const [owner] = await people('firstblock', 1);
    // Eight requests of four hours each, each overlapping the next: together, the whole day.
    const requests = Array.from({ length: 8 }, (_, i) => [3 * i, 3 * i + 1, 3 * i + 2, (3 * i + 3) % 24]);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const answers = await Promise.all(requests.map((hours) => block(owner!, date, hours)));

      expect(answers.map((answer) => answer.status)).toEqual(requests.map(() => 200));
      for (const [i, answer] of answers.entries()) expect(answer.body.response.blocked_slots).toEqual(expect.arrayContaining(requests[i]!));
      const day = await dayOf(owner!, date);
      expect(day).toMatchObject({ blocked_slots: Array.from({ length: 24 }, (_, hour) => hour), available_time_slots: [] });
      // One record for the day: every answer names the id and creation time it still has.
      expect(day.id).not.toBeNull();
      expect(new Set(answers.map((answer) => `${answer.body.response.id} ${answer.body.response.created}`))).toEqual(
        new Set([`${day.id} ${day.created}`]),
      );
      await expectIntact();
    }
  });

  it('lets an unblock and a booking of the hour it frees end cleanly: the booking is refused as blocked, or books the freed hour', async () => {
    const [guest, organiser] = await people('unblockbook', 2);
    for (let round = 0; round < ROUNDS * 2; round++) {
      const date = freshDate();
      const hour = 8 + round;
      expect((await block(guest!, date, [hour, 23])).status).toBe(200);
      const [unblocked, bookedAnswer] = await Promise.all([unblock(guest!, date, [hour]), book(organiser!, slot(date, hour), [guest!])]);

      expect(unblocked.status).toBe(200);
      const guestDay = await dayOf(guest!, date);
      if (bookedAnswer.status === 201) {
        // The unblock came first: the meeting holds the freed hour.
        expect(guestDay.blocked_slots).toEqual([hour, 23]);
        expect((await meetingSeenBy(guest!, bookedAnswer.body.response.id)).body.status).toBe('active');
      } else {
        expect(shape(bookedAnswer)).toEqual(unavailable(guest!));
        expect(guestDay.blocked_slots).toEqual([23]);
      }
      await expectIntact();
    }
  });

  it("lets exactly one of a day's new blocks and a booking of one of their hours win", async () => {
    const [guest, organiser] = await people('replacebook', 2);
    for (let round = 0; round < ROUNDS * 2; round++) {
      const date = freshDate();
      const hour = 8 + round;
      expect((await block(guest!, date, [1])).status).toBe(200);
      const [replaced, bookedAnswer] = await Promise.all([
        replaceBlocks(guest!, date, [1, hour]),
        book(organiser!, slot(date, hour), [guest!]),
      ]);

      const guestDay = await dayOf(guest!, date);
      if (replaced.status === 200) {
        expect(shape(bookedAnswer)).toEqual(unavailable(guest!));
        expect(replaced.body.response.blocked_slots).toEqual([1, hour]);
      } else {
        // The booking came first: the new blocks were refused whole, the old one kept.
        expect(shape(replaced)).toEqual(alreadyBooked(hour));
        expect(bookedAnswer.status).toBe(201);
      }
      expect(guestDay.blocked_slots).toEqual([1, hour]);
      await expectIntact();
    }
  });

  it('loses no block when blocks, unblocks and replacements of one day arrive at once', async () => {
    const [owner] = await people('blockmix', 1);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      expect((await block(owner!, date, [0, 1, 2])).status).toBe(200);
      const answers = await Promise.all([
        block(owner!, date, [10]),
        unblock(owner!, date, [1]),
        block(owner!, date, [11]),
        unblock(owner!, date, [2]),
        replaceBlocks(owner!, date, [0, 1, 2, 20]),
      ]);
      const writes: ((hours: Set<number>) => Set<number>)[] = [
        (hours) => new Set([...hours, 10]),
        (hours) => new Set([...hours].filter((hour) => hour !== 1)),
        (hours) => new Set([...hours, 11]),
        (hours) => new Set([...hours].filter((hour) => hour !== 2)),
        () => new Set([0, 1, 2, 20]),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      // Whatever the order, the day is what some serial order of the five writes leaves.
      const day = await dayOf(owner!, date);
      expect(serialOutcomes([0, 1, 2], writes)).toContain(day.blocked_slots.join());
      await expectIntact();
    }
  });

  it("lets a guest's decline and another booking of the hour it frees end cleanly", async () => {
    const [guest, organiser, other] = await people('declinebook', 3);
    for (let round = 0; round < ROUNDS * 2; round++) {
      const date = freshDate();
      const hour = 8 + round;
      const id = await booked(organiser!, slot(date, hour), [guest!]);
      const [declined, bookedAnswer] = await Promise.all([respond(guest!, id, 'declined'), book(other!, slot(date, hour), [guest!])]);

      expect(declined.status).toBe(200);
      expect(declined.body.response.responses[guest!.user.email]).toBe('declined');
      if (bookedAnswer.status === 201) {
        // The decline came first: the other meeting holds the freed hour.
        expect((await meetingSeenBy(guest!, bookedAnswer.body.response.id)).body.status).toBe('active');
      } else {
        expect(shape(bookedAnswer)).toEqual(conflicting(guest!));
      }
      // Either way the guest's hour is held once at most, and still listed as taken only if booked.
      expect((await dayOf(guest!, date)).blocked_slots).toEqual(bookedAnswer.status === 201 ? [hour] : []);
      await expectIntact();
    }
  });

  it("lets exactly one of a guest's acceptance and another booking take the guest's hour back", async () => {
    const [guest, organiser, other] = await people('acceptbook', 3);
    for (let round = 0; round < ROUNDS * 2; round++) {
      const date = freshDate();
      const hour = 8 + round;
      const id = await booked(organiser!, slot(date, hour), [guest!]);
      expect((await respond(guest!, id, 'declined')).status).toBe(200);
      const [accepted, bookedAnswer] = await Promise.all([respond(guest!, id, 'accepted'), book(other!, slot(date, hour), [guest!])]);

      if (accepted.status === 200) {
        expect(accepted.body.response.responses[guest!.user.email]).toBe('accepted');
        expect(shape(bookedAnswer)).toEqual(conflicting(guest!));
      } else {
        expect(shape(accepted)).toEqual(conflicting(guest!));
        expect(bookedAnswer.status).toBe(201);
        expect((await meetingSeenBy(guest!, id)).body.responses[guest!.user.email]).toBe('declined');
      }
      expect((await dayOf(guest!, date)).blocked_slots).toEqual([hour]);
      await expectIntact();
    }
  });

  it("loses neither a guest's answer nor a move that race each other", async () => {
    const [guest, organiser] = await people('respondmove', 2);
    for (let round = 0; round < ROUNDS * 2; round++) {
      const date = freshDate();
      const id = await booked(organiser!, slot(date, 8), [guest!]);
      const [declined, moved] = await Promise.all([respond(guest!, id, 'declined'), patch(organiser!, id, { time_slot: slot(date, 15) })]);

      const now = (await meetingSeenBy(organiser!, id)).body;
      if (moved.status === 200) expect(now.time_slot).toBe(slot(date, 15));
      else expect(shape(moved)).toEqual(changedMeanwhile);
      // The decline applied unless the move came first (it answered an hour no longer the meeting's).
      if (declined.status === 200) expect(now.responses[guest!.user.email]).toBe('declined');
      else expect(shape(declined)).toEqual(changedMeanwhile);
      expect(declined.status === 200 || moved.status === 200).toBe(true);
      // A declined guest holds no hour; otherwise they hold the meeting's.
      const guestDay = await dayOf(guest!, date);
      expect(guestDay.blocked_slots).toEqual(now.responses[guest!.user.email] === 'declined' ? [] : [Number(now.time_slot.slice(11, 13))]);
      await expectIntact();
    }
  });
});
