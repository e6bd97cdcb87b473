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
});
