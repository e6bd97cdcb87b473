import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { integrityOf } from '../support/integrity';

const booking = (date: string, title = 'Once') => ({ title, description: '', time_slot: `${date} 10:00:00`, participants: [] });
const post = (who: LoggedIn, body: unknown, key?: string) =>
  call('POST', '/api/event/', { headers: { ...who.auth, ...(key ? { 'idempotency-key': key } : {}) }, body });
const count = async (who: LoggedIn, date: string) =>
  (await call('GET', `/api/event/?from=${date}&to=${date}`, { headers: who.auth })).body.count as number;
const key = () => `key-${Date.now()}-${Math.random()}`;

describe('Idempotency-Key', () => {
  it('answers a retry of a booking with the first answer, and books once', async () => {
    const me = await signedInUser('idem');
    const date = freshDate();
    const k = key();
    const first = await post(me, booking(date), k);
    const again = await post(me, booking(date), k);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await count(me, date)).toBe(1);
  });

  it('matches the body by content, not by spelling', async () => {
    const me = await signedInUser('idemspell');
    const date = freshDate();
    const k = key();
    const first = await post(me, booking(date), k);
    const reordered = JSON.stringify({ participants: [], time_slot: `${date} 10:00:00`, description: '', title: 'Once' }).replace(
      /,/g,
      ', ',
    );
    const again = await call('POST', '/api/event/', {
      headers: { ...me.auth, 'idempotency-key': k, 'content-type': 'application/json' },
      rawBody: reordered,
    });
    expect(again.body).toEqual(first.body);
  });

  it('refuses the same key with another body with 422', async () => {
    const me = await signedInUser('idemother');
    const date = freshDate();
    const k = key();
    await post(me, booking(date), k);
    const other = await post(me, booking(date, 'Different'), k);
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ detail: 'This Idempotency-Key was used with another request body.' });
    expect(await count(me, date)).toBe(1);
  });

  it('keeps keys apart between users', async () => {
    const [ann, bob] = [await signedInUser('idemann'), await signedInUser('idembob')];
    const date = freshDate();
    const k = key();
    const first = await post(ann, booking(date), k);
    const second = await post(bob, booking(date), k);
    expect(second.status).toBe(201);
    expect(second.body.response.id).not.toBe(first.body.response.id);
    expect(second.body.response.organiser).toBe(bob.user.email);
  });

  it('does nothing without the header: two requests, two meetings', async () => {
    const me = await signedInUser('idemnone');
    const date = freshDate();
    expect((await post(me, { ...booking(date), time_slot: `${date} 10:00:00` })).status).toBe(201);
    expect((await post(me, { ...booking(date), time_slot: `${date} 11:00:00` })).status).toBe(201);
    expect(await count(me, date)).toBe(2);
  });

  it('does not keep a refusal: a retry is processed again', async () => {
    const me = await signedInUser('idemretry');
    const date = freshDate();
    await call('POST', '/api/user/block_slots/', { headers: me.auth, body: { date, blocked_slots: [10] } });
    const k = key();
    expect((await post(me, booking(date), k)).status).toBe(400);
    const again = await post(me, booking(date), k);
    expect(again.body).toEqual({ err_message: [`Time slot is not available for user : ${me.user.email}`] });
  });

  it('answers a retried PATCH with the first answer', async () => {
    const me = await signedInUser('idempatch');
    const date = freshDate();
    const booked = await post(me, booking(date));
    const k = key();
    const patch = () =>
      call('PATCH', `/api/event/${booked.body.response.id}/`, {
        headers: { ...me.auth, 'idempotency-key': k },
        body: { title: 'Renamed' },
      });
    const first = await patch();
    const again = await patch();
    expect(again.body).toEqual(first.body);
    expect(again.body.response.modified).toBe(first.body.response.modified);
    expect(await integrityOf({ userIds: [me.user.id] })).toEqual([]);
  });

  it('creates exactly one meeting under a storm of concurrent retries', async () => {
    const me = await signedInUser('idemstorm');
    const date = freshDate();
    const k = key();
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(me, booking(date), k)));
    for (const answer of answers) expect([201, 409]).toContain(answer.status);
    const ids = new Set(answers.filter((answer) => answer.status === 201).map((answer) => answer.body.response.id));
    expect(ids.size).toBe(1);
    expect(await count(me, date)).toBe(1);
    expect(await integrityOf({ userIds: [me.user.id] })).toEqual([]);
  });
});
