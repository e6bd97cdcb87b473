import { ConcurrentModification } from '../../functions/domain/errors';
import type { Meeting } from '../../functions/domain/model';
import { services } from '../../functions/services';
import { call, freshDate, signedInUser } from '../support/api';
import { integrityOf } from '../support/integrity';
import { interceptStore } from '../support/store-faults';
import { AwsServiceError } from '../../functions/store/aws-json';

// Rounds of concurrent transactions: room for a busy machine.
jest.setTimeout(30_000);

/** A meeting of one user, written straight through the store. */
async function storedMeeting(prefix: string): Promise<Meeting> {
  const organiser = (await signedInUser(prefix)).user;
  const stamp = new Date().toISOString();
  const meeting: Meeting = {
    id: (await import('ulid')).ulid(),
    title: 'Original',
    description: null,
    slot: { date: freshDate(), hour: 10 },
    status: 'active',
    organiser,
    participants: [organiser],
    version: 1,
    created: stamp,
    modified: stamp,
  };
  await services().meetings.create(meeting);
  return meeting;
}

describe('a change recognises only its own earlier success', () => {
  it('refuses a second change of the same version made in the same millisecond', async () => {
    const before = await storedMeeting('samems');
    const modified = new Date().toISOString();
    const first: Meeting = { ...before, title: 'First', version: 2, modified };
    const second: Meeting = { ...before, title: 'Second', version: 2, modified };

    await services().meetings.replace(before, first);
    await expect(services().meetings.replace(before, second)).rejects.toBeInstanceOf(ConcurrentModification);

    expect((await services().meetings.get(before.id))?.title).toBe('First');
  });

  it('of two concurrent changes of one version in one millisecond, exactly one succeeds', async () => {
    for (let round = 0; round < 5; round++) {
      const before = await storedMeeting(`race${round}x`);
      const modified = new Date().toISOString();
      const changes = ['A', 'B', 'C', 'D'].map((title): Meeting => ({ ...before, title, version: 2, modified }));
      const outcomes = await Promise.allSettled(changes.map((after) => services().meetings.replace(before, after)));
      const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [changes[index]!.title] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConcurrentModification);
      expect((await services().meetings.get(before.id))?.title).toBe(won[0]);
      expect(await integrityOf({ userIds: [before.organiser.id] })).toEqual([]);
    }
  });
});

describe('input the engine refuses', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers 400, not 500, when DynamoDB refuses a request as invalid', async () => {
    const me = await signedInUser('engine400');
    interceptStore((call) =>
      call.operation === 'Query'
        ? Promise.reject(
            new AwsServiceError('ValidationException', 400, { message: 'The provided starting key is outside query boundaries' }),
          )
        : undefined,
    );
    const response = await call('GET', '/api/event/', { headers: me.auth });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ detail: 'This request cannot be served as asked; check its parameters.' });
  });
});
