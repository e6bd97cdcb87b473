import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { eventOf } from '../../functions/domain/events';
import { readImage } from '../../functions/store/change-images';
import { dayKey } from '../../functions/store/items/day';
import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { integrityOf } from '../support/integrity';
import { documentClient } from '../support/document-client';
import { interceptStore, isCall } from '../support/store-faults';

const block = (who: LoggedIn, date: string, hours: number[]) =>
  call('POST', '/api/user/block_slots/', { headers: who.auth, body: { date, blocked_slots: hours } });

/** The day record as stored (what the stream's image of it holds). */
async function dayRecord(who: LoggedIn, date: string): Promise<Record<string, unknown>> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: dayKey(who.user.id, date), ConsistentRead: true }),
  );
  if (!Item) throw new Error('no day record');
  return Item;
}

describe('the day record carries what availability.changed tells', () => {
  it('holds the union of the blocked hours, the owner and a counter that grows with every write', async () => {
    const me = await signedInUser('dayrec');
    const date = freshDate();
    expect((await block(me, date, [10, 11])).status).toBe(200);
    const first = await dayRecord(me, date);
    expect(first).toMatchObject({ userId: me.user.id, username: me.user.username, email: me.user.email, date, version: 1 });
    expect(first.blockedHours).toEqual(new Set([10, 11]));

    expect((await block(me, date, [11, 3])).status).toBe(200);
    const second = await dayRecord(me, date);
    expect(second.blockedHours).toEqual(new Set([3, 10, 11]));
    expect(second).toMatchObject({ id: first.id, created: first.created, version: 2 });

    // Two at once: both land, in some order, each with its own count.
    const answers = await Promise.all([block(me, date, [5, 6]), block(me, date, [6, 20])]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const third = await dayRecord(me, date);
    expect(third.blockedHours).toEqual(new Set([3, 5, 6, 10, 11, 20]));
    expect(third).toMatchObject({ id: first.id, username: me.user.username, email: me.user.email, version: 4 });
    const shown = await call('GET', `/api/user/get_available_slots/?date=${date}`, { headers: me.auth });
    expect(shown.body.response.blocked_slots).toEqual([3, 5, 6, 10, 11, 20]);
    expect(await integrityOf({ userIds: [me.user.id] })).toEqual([]);
  });

  it('maps, as a stream image, to its availability.changed event', async () => {
    const me = await signedInUser('dayevent');
    const date = freshDate();
    await block(me, date, [9]);
    const before = await dayRecord(me, date);
    await block(me, date, [14, 9]);
    const after = await dayRecord(me, date);

    const inserted = eventOf({ eventName: 'INSERT', sequenceNumber: '1', newImage: before }, readImage);
    const modified = eventOf({ eventName: 'MODIFY', sequenceNumber: '2', oldImage: before, newImage: after }, readImage);
    expect(inserted).toEqual({
      id: `${me.user.id}:${date}:1`,
      type: 'availability.changed',
      timestamp: before.modified,
      version: '1',
      data: { user: me.user, date, blocked_slots: [9] },
    });
    expect(modified).toEqual({
      id: `${me.user.id}:${date}:2`,
      type: 'availability.changed',
      timestamp: after.modified,
      version: '1',
      data: { user: me.user, date, blocked_slots: [9, 14] },
    });
  });

  it('is not written when a blocked hour holds a meeting', async () => {
    const me = await signedInUser('dayheld');
    const date = freshDate();
    await block(me, date, [8]);
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Held', time_slot: `${date} 12:00:00`, description: '', participants: [] },
    });
    expect(booked.status).toBe(201);
    expect((await block(me, date, [12, 13])).status).toBe(400);
    const record = await dayRecord(me, date);
    expect(record.blockedHours).toEqual(new Set([8]));
    expect(record.version).toBe(1);
  });

  it('counts a block once when the answer to its applied write was lost and the write was retried', async () => {
    const me = await signedInUser('daylost');
    const date = freshDate();
    let lost = 1;
    interceptStore((call, send) =>
      isCall(call, 'TransactWriteItems') &&
      (call.input.TransactItems ?? []).some((item) => item.Update?.Key?.sk === `DAY#${date}`) &&
      lost-- > 0
        ? send(call).then(() => Promise.reject(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })))
        : undefined,
    );
    try {
      expect((await block(me, date, [10])).status).toBe(200);
    } finally {
      jest.restoreAllMocks();
    }
    // One write, so one version and one availability.changed: the retry was recognised as the same write.
    const record = await dayRecord(me, date);
    expect(record.version).toBe(1);
    expect(record.blockedHours).toEqual(new Set([10]));
  });
});
