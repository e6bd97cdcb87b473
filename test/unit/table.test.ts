import { TemporarilyUnavailable, UnservableRequest } from '../../functions/domain/errors';
import { AwsServiceError } from '../../functions/store/aws-json';
import type { DynamoDb } from '../../functions/store/dynamodb';
import { Table } from '../../functions/store/table';
import { expectRejection } from './expect-error';

/** A table over a client whose every call fails with `error`; counts the calls. */
function failingTable(error: () => Error) {
  let calls = 0;
  const client = { send: async () => Promise.reject((calls++, error())) } as unknown as DynamoDb;
  const retried: number[] = [];
  const table = new Table(client, 't', { writeRetried: () => retried.push(calls) });
  return { table, calls: () => calls, retried };
}

const throttled = () => new AwsServiceError('ProvisionedThroughputExceededException', 400, { message: 'slow down' });
const conflicted = () =>
  new AwsServiceError('TransactionCanceledException', 400, {
    message: 'cancelled',
    CancellationReasons: [{ Code: 'TransactionConflict' }],
  });
const busy = 'The service is busy; nothing was changed. Retry shortly.';
const unservable = 'This request cannot be served as asked; check its parameters.';
const invalid = () => Object.assign(new Error('The provided key element does not match the schema'), { name: 'ValidationException' });

describe('the table gateway', () => {
  it("turns a read still throttled after the client's retries into TemporarilyUnavailable, keeping the cause", async () => {
    const { table } = failingTable(throttled);
    const error = await expectRejection(table.get({ pk: 'a', sk: 'b' }), TemporarilyUnavailable, busy);
    expect(error.cause).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('retries a transaction cancelled by conflicts, reporting each retry, then answers TemporarilyUnavailable', async () => {
    const { table, calls, retried } = failingTable(conflicted);
    await expectRejection(table.transact([]), TemporarilyUnavailable, busy);
    expect(calls()).toBe(5);
    expect(retried).toEqual([1, 2, 3, 4]);
  });

  it('turns a read DynamoDB refuses as invalid into UnservableRequest', async () => {
    await expectRejection(failingTable(invalid).table.queryAll({ KeyConditionExpression: 'pk = :pk' }), UnservableRequest, unservable);
  });

  it('turns a write DynamoDB refuses as invalid into UnservableRequest', async () => {
    await expectRejection(failingTable(invalid).table.transact([]), UnservableRequest, unservable);
  });

  it('passes any other failure on as it is', async () => {
    const odd = new TypeError('odd');
    await expect(failingTable(() => odd).table.get({ pk: 'a', sk: 'b' })).rejects.toBe(odd);
  });
});
