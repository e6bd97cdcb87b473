import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, unpinClock } from '../support/clock';
import { useSettings } from '../support/settings';

useSettings({ MEETINGS_PER_HOUR: '3', GUEST_INVITES_PER_HOUR: '4' });
// One second into an hour: the hourly windows are fresh and Retry-After exact.
beforeEach(() => pinClock(`${new Date().getUTCFullYear() + 1}-06-15T10:00:01.000Z`));
afterEach(unpinClock);

const book = (who: LoggedIn, guests: LoggedIn[], hour: number, date = freshDate()) =>
  call('POST', '/api/event/', {
    headers: who.auth,
    body: {
      title: 'Invite',
      time_slot: `${date} ${String(hour).padStart(2, '0')}:00:00`,
      participants: guests.map((guest) => guest.user.email),
    },
  });

describe('the budget for creating meetings and inviting guests', () => {
  it('allows 3 meetings an hour, then 429 with Retry-After', async () => {
    const me = await signedInUser('spammer');
    for (const hour of [9, 10, 11]) expect((await book(me, [], hour)).status).toBe(201);
    const fourth = await book(me, [], 12);
    expect(fourth.status).toBe(429);
    expect(fourth.body).toEqual({ detail: 'Request was throttled. Expected available in 3599 seconds.' });
    expect(fourth.headers['retry-after']).toBe('3599');
  });

  it('counts every guest a user adds, in bookings and in changes, against 4 an hour', async () => {
    const [me, ...guests] = await Promise.all(Array.from({ length: 6 }, (_, index) => signedInUser(`inviter${index}`)));
    const first = await book(me!, guests.slice(0, 3), 9);
    expect(first.status).toBe(201);
    const more = await call('PATCH', `/api/event/${first.body.response.id}/`, {
      headers: me!.auth,
      body: { participants: [me!.user.email, ...guests.slice(0, 5).map((guest) => guest.user.email)] },
    });
    expect(more.status).toBe(429);
    const one = await call('PATCH', `/api/event/${first.body.response.id}/`, {
      headers: me!.auth,
      body: { participants: [me!.user.email, ...guests.slice(0, 4).map((guest) => guest.user.email)] },
    });
    expect(one.status).toBe(200);
    expect((await book(me!, [guests[4]!], 10)).status).toBe(429);
  });

  it("is each user's own: another organiser is not slowed", async () => {
    const [spammer, other] = await Promise.all([signedInUser('spam2'), signedInUser('calm')]);
    for (const hour of [9, 10, 11]) expect((await book(spammer, [], hour)).status).toBe(201);
    expect((await book(spammer, [], 12)).status).toBe(429);
    expect((await book(other, [], 12)).status).toBe(201);
  });

  it('never lets concurrent bookings spend more than the budget: 6 at once, 3 booked, 3 refused', async () => {
    const me = await signedInUser('racer');
    const date = freshDate();
    const answers = await Promise.all([9, 10, 11, 12, 13, 14].map((hour) => book(me, [], hour, date)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    const listed = await call('GET', `/api/event/?from=${date}&to=${date}`, { headers: me.auth });
    expect(listed.body.count).toBe(3);
  });

  it('spends nothing on a booking refused for a taken hour', async () => {
    const [me, busy] = await Promise.all([signedInUser('unlucky'), signedInUser('busy')]);
    const date = freshDate();
    expect((await book(busy, [], 9, date)).status).toBe(201);
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await book(me, [busy], 9, date);
      expect(refused.body).toEqual({ err_message: [`Time slot is conflicting with another event for user : ${busy.user.email}`] });
    }
    for (const hour of [10, 11, 12]) expect((await book(me, [], hour, date)).status).toBe(201);
    expect((await book(me, [], 13, date)).status).toBe(429);
  });

  it('holds a booking of the most people, whose budgets do not fit in its transaction, to the budget too', async () => {
    const people = await Promise.all(Array.from({ length: 50 }, (_, index) => signedInUser(`crowd${index}`)));
    const [me, ...guests] = people;
    const date = freshDate();
    const refused = await book(me!, guests, 9, date);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('3599');
    const day = await call('GET', `/api/user/get_available_slots/?date=${date}&user=${guests[48]!.user.email}`, { headers: me!.auth });
    expect(day.body.response.available_time_slots).toContain(9);
    expect((await book(me!, guests.slice(0, 4), 9, date)).status).toBe(201);
  });
});
