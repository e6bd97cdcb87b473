import { marshall } from '@aws-sdk/util-dynamodb';
import { DeadlineExceeded } from '../../functions/domain/errors';
import { services } from '../../functions/services';
import { AwsServiceError } from '../../functions/store/aws-json';
import type { Call } from '../../functions/store/dynamodb';
import { call, freshDate, type LoggedIn, signedInUser, uniqueUser } from '../support/api';
import { integrityOf } from '../support/integrity';
import { interceptStore, isCall } from '../support/store-faults';

/** A transaction that writes a meeting (not, say, the invitation budget spent before it). */
const writesMeeting = (call: Call): boolean =>
  isCall(call, 'TransactWriteItems') &&
  (call.input.TransactItems ?? []).some(
    (item) => item.Update?.Key?.sk === 'MEETING' && Object.values(item.Update.ExpressionAttributeValues ?? {}).includes('meeting'),
  );

const timeout = () => Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
const throttled = () => new AwsServiceError('ProvisionedThroughputExceededException', 400, { message: 'slow down' });
const book = (who: LoggedIn, time_slot: string, guests: LoggedIn[]) =>
  call('POST', '/api/event/', {
    headers: who.auth,
    body: { title: 'Faulty', description: '', time_slot, participants: guests.map((g) => g.user.email) },
  });
const hoursOf = async (viewer: LoggedIn, who: LoggedIn, date: string) =>
  (await call('GET', `/api/user/get_available_slots/?date=${date}&user=${who.user.email}`, { headers: viewer.auth })).body.response
    .blocked_slots;

afterEach(() => jest.restoreAllMocks());
// The deadline tests wait out an in-progress record (2 s); a busy machine needs room beyond it.
jest.setTimeout(30_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The function's timeout in these tests: the deadline is 1 s, and the in-progress record
 * of a request whose deadline passed expires 2 s after it began.
 */
const SHORT_TIMEOUT_MS = 2_000;

/** The next meeting write lands, but its answer comes after the request's deadline. */
function landAfterDeadline() {
  let lost = 1;
  interceptStore((call, send) =>
    writesMeeting(call) && lost-- > 0
      ? send(call).then(() => Promise.reject(new DeadlineExceeded('TransactWriteItems', 1_000)))
      : undefined,
  );
}

describe('a write that landed after its deadline passed', () => {
  it('answers a retry with the same Idempotency-Key with the booking that landed', async () => {
    const [organiser, guest] = [await signedInUser('late'), await signedInUser('lateguest')];
    const date = freshDate();
    const body = { title: 'Late', description: '', time_slot: `${date} 10:00:00`, participants: [guest.user.email] };
    const keyed = { ...organiser.auth, 'idempotency-key': `late-${date}` };
    const began = Date.now();
    landAfterDeadline();
    const first = await call('POST', '/api/event/', { headers: keyed, body, timeoutMs: SHORT_TIMEOUT_MS });
    jest.restoreAllMocks();
    expect(first.status).toBe(503);
    expect(first.body).toEqual({
      detail: 'The service did not answer in time. Retry shortly; repeat a write with the same Idempotency-Key.',
    });

    // While the first attempt may still be running, a retry with its key is told to wait.
    const early = await call('POST', '/api/event/', { headers: keyed, body });
    expect(early.status).toBe(409);
    expect(early.headers['retry-after']).toBe('1');
    // A plain retry gets booking's answer: the hour is taken, by the meeting that landed.
    const plain = await call('POST', '/api/event/', { headers: organiser.auth, body });
    expect(plain.body).toEqual({ err_message: [`Time slot is conflicting with another event for user : ${organiser.user.email}`] });

    await sleep(began + SHORT_TIMEOUT_MS + 200 - Date.now());
    const retried = await call('POST', '/api/event/', { headers: keyed, body });
    expect(retried.status).toBe(201);
    const listed = await call('GET', '/api/event/', { headers: organiser.auth });
    expect(listed.body.results).toHaveLength(1);
    expect(retried.body.response).toEqual(listed.body.results[0]);
    // From then on the key answers the same, from its record.
    expect(await call('POST', '/api/event/', { headers: keyed, body })).toMatchObject({ status: 201, body: retried.body });
    expect(await hoursOf(organiser, guest, date)).toEqual([10]);
    expect(await integrityOf({ userIds: [organiser.user.id, guest.user.id] })).toEqual([]);
  });

  it('does not take a landed booking for a retry with the same key and another body', async () => {
    const [organiser, guest] = [await signedInUser('latebody'), await signedInUser('latebodyguest')];
    const date = freshDate();
    const body = { title: 'Late', description: '', time_slot: `${date} 10:00:00`, participants: [guest.user.email] };
    const keyed = { ...organiser.auth, 'idempotency-key': `late-${date}` };
    const began = Date.now();
    landAfterDeadline();
    expect((await call('POST', '/api/event/', { headers: keyed, body, timeoutMs: SHORT_TIMEOUT_MS })).status).toBe(503);
    jest.restoreAllMocks();
    await sleep(began + SHORT_TIMEOUT_MS + 200 - Date.now());
    const other = await call('POST', '/api/event/', { headers: keyed, body: { ...body, title: 'Another' } });
    expect(other.body).toEqual({ err_message: [`Time slot is conflicting with another event for user : ${organiser.user.email}`] });
    expect((await call('GET', '/api/event/', { headers: organiser.auth })).body.results).toMatchObject([{ title: 'Late' }]);
  });

  it('answers a retry of a move with the same Idempotency-Key with the move that landed, changing nothing more', async () => {
    const [organiser, guest] = [await signedInUser('latemove'), await signedInUser('latemoveguest')];
    const date = freshDate();
    const booked = await book(organiser, `${date} 10:00:00`, [guest]);
    const path = `/api/event/${booked.body.response.id}/`;
    const keyed = { ...organiser.auth, 'idempotency-key': `latemove-${date}` };
    const body = { time_slot: `${date} 15:00:00` };
    const began = Date.now();
    landAfterDeadline();
    expect((await call('PATCH', path, { headers: keyed, body, timeoutMs: SHORT_TIMEOUT_MS })).status).toBe(503);
    jest.restoreAllMocks();
    await sleep(began + SHORT_TIMEOUT_MS + 200 - Date.now());
    const retried = await call('PATCH', path, { headers: keyed, body });
    expect(retried.status).toBe(200);
    const now = await call('GET', path, { headers: organiser.auth });
    expect(retried.body.response).toEqual(now.body);
    expect(now.body.time_slot).toBe(`${date} 15:00:00`);
    // One change, one version: the retry wrote nothing.
    expect((await services().meetings.get(booked.body.response.id))?.version).toBe(2);
    expect(await hoursOf(organiser, guest, date)).toEqual([15]);
    expect(await integrityOf({ userIds: [organiser.user.id, guest.user.id] })).toEqual([]);
  });
});

describe('faults of DynamoDB', () => {
  it('retries a throttled booking transaction and books once', async () => {
    const [organiser, guest] = [await signedInUser('throttled'), await signedInUser('throttledguest')];
    let failures = 2;
    interceptStore((call) => (writesMeeting(call) && failures-- > 0 ? Promise.reject(throttled()) : undefined));
    const date = freshDate();
    expect((await book(organiser, `${date} 10:00:00`, [guest])).status).toBe(201);
    jest.restoreAllMocks();
    expect(await hoursOf(organiser, guest, date)).toEqual([10]);
    expect(await integrityOf({ userIds: [organiser.user.id, guest.user.id] })).toEqual([]);
  });

  it('recognises its own booking when the answer to an applied write was lost', async () => {
    const [organiser, guest] = [await signedInUser('lost'), await signedInUser('lostguest')];
    let lost = 1;
    interceptStore((call, send) => (writesMeeting(call) && lost-- > 0 ? send(call).then(() => Promise.reject(timeout())) : undefined));
    const date = freshDate();
    const response = await book(organiser, `${date} 10:00:00`, [guest]);
    expect(response.status).toBe(201);
    jest.restoreAllMocks();
    const listed = await call('GET', '/api/event/', { headers: organiser.auth });
    expect(listed.body.results.map((meeting: { id: string }) => meeting.id)).toEqual([response.body.response.id]);
    expect(await integrityOf({ userIds: [organiser.user.id, guest.user.id] })).toEqual([]);
  });

  it('recognises its own move when the answer to an applied change was lost', async () => {
    const [organiser, guest] = [await signedInUser('lostmove'), await signedInUser('lostmoveguest')];
    const date = freshDate();
    const booked = await book(organiser, `${date} 10:00:00`, [guest]);
    let lost = 1;
    interceptStore((call, send) => (writesMeeting(call) && lost-- > 0 ? send(call).then(() => Promise.reject(timeout())) : undefined));
    const moved = await call('PATCH', `/api/event/${booked.body.response.id}/`, {
      headers: organiser.auth,
      body: { time_slot: `${date} 15:00:00` },
    });
    expect(moved.status).toBe(200);
    jest.restoreAllMocks();
    expect(await hoursOf(organiser, guest, date)).toEqual([15]);
    expect(await integrityOf({ userIds: [organiser.user.id, guest.user.id] })).toEqual([]);
  });

  it('recognises its own sign-up when the answer to an applied write was lost', async () => {
    const candidate = uniqueUser('lostsignup');
    let lost = 1;
    interceptStore((call, send) =>
      call.operation === 'TransactWriteItems' && lost-- > 0 ? send(call).then(() => Promise.reject(timeout())) : undefined,
    );
    const response = await call('POST', '/api/user/sign_up/', { body: candidate });
    expect(response.status).toBe(201);
    jest.restoreAllMocks();
    expect((await call('POST', '/api/user/login/', { body: { username: candidate.username, password: candidate.password } })).status).toBe(
      200,
    );
    expect(await integrityOf({ userIds: [response.body.id] })).toEqual([]);
  });

  it('names the blocked participant of a transaction cancelled for mixed reasons, writing nothing', async () => {
    const [organiser, free, blocked] = [await signedInUser('mixed'), await signedInUser('mixedfree'), await signedInUser('mixedblocked')];
    const date = freshDate();
    interceptStore((call) =>
      writesMeeting(call)
        ? Promise.reject(
            new AwsServiceError('TransactionCanceledException', 400, {
              message: 'cancelled',
              CancellationReasons: [
                { Code: 'None' },
                { Code: 'TransactionConflict' },
                { Code: 'None' },
                { Code: 'ConditionalCheckFailed', Item: marshall({ kind: 'blocked' }) },
              ],
            }),
          )
        : undefined,
    );
    const response = await book(organiser, `${date} 10:00:00`, [free, blocked]);
    expect(response.body).toEqual({ err_message: [`Time slot is not available for user : ${blocked.user.email}`] });
    jest.restoreAllMocks();
    for (const who of [organiser, free, blocked]) expect(await hoursOf(organiser, who, date)).toEqual([]);
    expect(await integrityOf({ userIds: [organiser.user.id, free.user.id, blocked.user.id] })).toEqual([]);
  });

  it('answers 503, not 500, when reads stay throttled', async () => {
    const me = await signedInUser('readthrottle');
    const mock = interceptStore((call) => (call.operation === 'GetItem' ? Promise.reject(throttled()) : undefined));
    try {
      const response = await call('GET', '/api/user/get_detail/', { headers: me.auth });
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ detail: 'The service is busy; nothing was changed. Retry shortly.' });
    } finally {
      mock.mockRestore();
    }
  });
});
