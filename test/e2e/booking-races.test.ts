import { freshDate, uniqueUser } from '../support/api';
import { httpClient, httpUser } from '../support/http-client';
import { integrityOf } from '../support/integrity';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(180_000);

let server: LocalServer;
const request = httpClient(() => server.url);

beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
});
afterEach(async () => {
  // Nothing else writes to this server's table now: every invariant must hold.
  expect(await integrityOf({ endpoint: server.dynamoDbEndpoint, table: 'calendar' })).toEqual([]);
});
afterAll(async () => {
  await server?.stop();
});

const ROUNDS = 4;
const meeting = (time_slot: string, participants: string[]) => ({ title: 'Race', description: '', time_slot, participants });

describe('races over HTTP against the local server', () => {
  it('lets exactly one of 12 organisers take one guest\'s hour, round after round', async () => {
    const guest = await httpUser(request, uniqueUser('guest'));
    const organisers = await Promise.all(Array.from({ length: 12 }, (_, i) => httpUser(request, uniqueUser(`org${i}`))));
    for (let round = 0; round < ROUNDS; round++) {
      const timeSlot = `${freshDate()} ${String(8 + round).padStart(2, '0')}:00:00`;
      const answers = await Promise.all(
        organisers.map((organiser) => request('POST', '/api/event/', { headers: organiser.auth, body: meeting(timeSlot, [guest.user.email]) })),
      );
      expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
      const losers = answers.filter((answer) => answer.status !== 201);
      expect(losers).toHaveLength(11);
      for (const loser of losers) {
        expect(loser).toMatchObject({ status: 400, body: { err_message: [`Time slot is conflicting with another event for user : ${guest.user.email}`] } });
      }
      const day = await request('GET', `/api/user/get_available_slots/?date=${timeSlot.slice(0, 10)}`, { headers: guest.auth });
      expect(day.body.response.blocked_slots).toEqual([Number(timeSlot.slice(11, 13))]);
    }
  });

  it('lets exactly one of a block and a booking of one hour win, and the hour ends unavailable', async () => {
    const guest = await httpUser(request, uniqueUser('blocker'));
    const organiser = await httpUser(request, uniqueUser('booker'));
    const outcomes = { blockWon: 0, bookWon: 0 };
    for (let round = 0; round < ROUNDS * 2; round++) {
      const date = freshDate();
      const hour = 10 + (round % 10);
      const [blocked, booked] = await Promise.all([
        request('POST', '/api/user/block_slots/', { headers: guest.auth, body: { date, blocked_slots: [hour] } }),
        request('POST', '/api/event/', { headers: organiser.auth, body: meeting(`${date} ${hour}:00:00`, [guest.user.email]) }),
      ]);
      expect([blocked.status, booked.status].filter((status) => status === 200 || status === 201)).toHaveLength(1);
      if (blocked.status === 200) {
        outcomes.blockWon += 1;
        expect(booked.body).toEqual({ err_message: [`Time slot is not available for user : ${guest.user.email}`] });
      } else {
        outcomes.bookWon += 1;
        expect(blocked.body).toEqual({ err_message: [`There is already an event booked at time slot : ${hour}`] });
      }
      const day = await request('GET', `/api/user/get_available_slots/?date=${date}`, { headers: guest.auth });
      expect(day.body.response.blocked_slots).toEqual([hour]);
    }
    expect(outcomes.blockWon + outcomes.bookWon).toBe(ROUNDS * 2);
  });

  it('never answers 5xx nor double-books anyone under concurrent sign-ups and bookings', async () => {
    const date = freshDate();
    const people = await Promise.all(Array.from({ length: 12 }, (_, i) => httpUser(request, uniqueUser(`stress${i}`))));
    const pick = (seed: number, count: number) => Array.from({ length: count }, (_, i) => people[(seed * 7 + i * 5) % people.length]!);
    const booked: { timeSlot: string; participants: string[] }[] = [];
    const statuses: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const work = [
        // Newcomers sign up and log in while the others book.
        ...Array.from({ length: 6 }, () => httpUser(request, uniqueUser('newcomer')).then(() => statuses.push(201))),
        ...Array.from({ length: 24 }, async (_, i) => {
          const [organiser, ...guests] = pick(round * 24 + i, 3);
          const timeSlot = `${date} ${String((round * 24 + i) % 6 + 9).padStart(2, '0')}:00:00`;
          const answer = await request('POST', '/api/event/', {
            headers: organiser!.auth,
            body: meeting(timeSlot, guests.map((guest) => guest.user.email)),
          });
          statuses.push(answer.status);
          if (answer.status === 201) booked.push({ timeSlot, participants: answer.body.response.participants });
        }),
      ];
      await Promise.all(work);
    }
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(booked.length).toBeGreaterThan(0);
    // No person is in two meetings at one hour.
    const seen = new Set<string>();
    for (const { timeSlot, participants } of booked) {
      for (const email of participants) {
        expect(seen.has(`${timeSlot} ${email}`)).toBe(false);
        seen.add(`${timeSlot} ${email}`);
      }
    }
    // Every booked hour shows up in each participant's availability, and nothing else does.
    for (const person of people) {
      const day = await request('GET', `/api/user/get_available_slots/?date=${date}`, { headers: person.auth });
      const expected = booked
        .filter((entry) => entry.participants.includes(person.user.email))
        .map((entry) => Number(entry.timeSlot.slice(11, 13)))
        .sort((a, b) => a - b);
      expect(day.body.response.blocked_slots).toEqual(expected);
    }
  });

  it('lets exactly one of two organisers move their meeting into a shared guest\'s hour', async () => {
    const guest = await httpUser(request, uniqueUser('shared'));
    const [first, second] = await Promise.all([httpUser(request, uniqueUser('mover1')), httpUser(request, uniqueUser('mover2'))]);
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const a = await request('POST', '/api/event/', { headers: first!.auth, body: meeting(`${date} 08:00:00`, [guest.user.email]) });
      const b = await request('POST', '/api/event/', { headers: second!.auth, body: meeting(`${date} 09:00:00`, [guest.user.email]) });
      const target = `${date} 15:00:00`;
      const moves = await Promise.all([
        request('PATCH', `/api/event/${a.body.response.id}/`, { headers: first!.auth, body: { time_slot: target } }),
        request('PATCH', `/api/event/${b.body.response.id}/`, { headers: second!.auth, body: { time_slot: target } }),
      ]);
      expect(moves.map((move) => move.status).sort()).toEqual([200, 400]);
      expect(moves.find((move) => move.status === 400)!.body).toEqual({
        err_message: [`Time slot is conflicting with another event for user : ${guest.user.email}`],
      });
      const day = await request('GET', `/api/user/get_available_slots/?date=${date}`, { headers: guest.auth });
      expect(day.body.response.blocked_slots).toEqual(moves[0]!.status === 200 ? [9, 15] : [8, 15]);
    }
  });

  it('never loses an update or mixes states when one meeting is patched twice at once', async () => {
    const organiser = await httpUser(request, uniqueUser('patcher'));
    const guest = await httpUser(request, uniqueUser('patchguest'));
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const booked = await request('POST', '/api/event/', { headers: organiser.auth, body: meeting(`${date} 08:00:00`, [guest.user.email]) });
      const id = booked.body.response.id;
      const changes = [
        { title: 'Morning', time_slot: `${date} 10:00:00` },
        { title: 'Evening', time_slot: `${date} 18:00:00` },
      ];
      const answers = await Promise.all(changes.map((body) => request('PATCH', `/api/event/${id}/`, { headers: organiser.auth, body })));
      for (const answer of answers) expect([200, 409]).toContain(answer.status);
      expect(answers.some((answer) => answer.status === 200)).toBe(true);
      const final = (await request('GET', `/api/event/${id}/`, { headers: organiser.auth })).body;
      // The meeting is exactly one of the two changes, never a mix, and its hour is held.
      expect(changes).toContainEqual({ title: final.title, time_slot: final.time_slot });
      const winner = answers.filter((answer) => answer.status === 200).map((answer) => answer.body.response.title);
      expect(winner).toContain(final.title);
      for (const who of [organiser, guest]) {
        const day = await request('GET', `/api/user/get_available_slots/?date=${date}`, { headers: who.auth });
        expect(day.body.response.blocked_slots).toEqual([Number(final.time_slot.slice(11, 13))]);
      }
    }
  });

  it('leaves a consistent meeting when a cancel races a move', async () => {
    const organiser = await httpUser(request, uniqueUser('racer'));
    const guest = await httpUser(request, uniqueUser('raceguest'));
    for (let round = 0; round < ROUNDS; round++) {
      const date = freshDate();
      const booked = await request('POST', '/api/event/', { headers: organiser.auth, body: meeting(`${date} 08:00:00`, [guest.user.email]) });
      const id = booked.body.response.id;
      const answers = await Promise.all([
        request('PATCH', `/api/event/${id}/`, { headers: organiser.auth, body: { status: 'cancelled' } }),
        request('PATCH', `/api/event/${id}/`, { headers: organiser.auth, body: { time_slot: `${date} 13:00:00` } }),
      ]);
      for (const answer of answers) expect([200, 409]).toContain(answer.status);
      const final = (await request('GET', `/api/event/${id}/`, { headers: organiser.auth })).body;
      const expected = final.status === 'cancelled' ? [] : [Number(final.time_slot.slice(11, 13))];
      for (const who of [organiser, guest]) {
        const day = await request('GET', `/api/user/get_available_slots/?date=${date}`, { headers: who.auth });
        expect(day.body.response.blocked_slots).toEqual(expected);
      }
    }
  });
});
