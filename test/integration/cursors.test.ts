/** Listing cursors as clients see them: opaque, and refused once altered. */
import { call, freshDate, signedInUser } from '../support/api';

describe('listing cursors', () => {
  it('show no key format or id, follow as issued, and are refused once altered', async () => {
    const me = await signedInUser('cursorseal');
    const date = freshDate();
    for (let hour = 0; hour < 12; hour++) {
      const booked = await call('POST', '/api/event/', {
        headers: me.auth,
        body: { title: `C${hour}`, description: '', time_slot: `${date} ${String(hour).padStart(2, '0')}:00:00`, participants: [] },
      });
      expect(booked.status).toBe(201);
    }
    const first = await call('GET', `/api/event/?from=${date}&to=${date}`, { headers: me.auth });
    const next = new URL(first.body.next);
    const cursor = next.searchParams.get('cursor')!;
    const inside = Buffer.from(cursor, 'base64url').toString('latin1');
    for (const revealing of ['MEETING#', 'MEMBER#', me.user.id, first.body.results[9].id, date]) expect(inside).not.toContain(revealing);

    const second = await call('GET', `${next.pathname}${next.search}`, { headers: me.auth });
    expect(second.body.results.map((meeting: { title: string }) => meeting.title)).toEqual(['C10', 'C11']);

    const bytes = Buffer.from(cursor, 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    const altered = await call('GET', `/api/event/?from=${date}&to=${date}&cursor=${bytes.toString('base64url')}`, { headers: me.auth });
    expect([altered.status, altered.body]).toEqual([404, { detail: 'Invalid cursor' }]);
  });
});
