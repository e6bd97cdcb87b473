import { ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TemporarilyUnavailable, UnservableRequest } from '../../functions/domain/errors';
import { Table } from '../../functions/store/table';

/** A table over a client whose every call fails with `error`; counts the calls. */
function failingTable(error: () => Error) {
  let calls = 0;
  const client = { send: async () => Promise.reject((calls++, error())) } as unknown as DynamoDBDocumentClient;
  const retried: number[] = [];
  const table = new Table(client, 't', { writeRetried: () => retried.push(calls) });
  return { table, calls: () => calls, retried };
}

const throttled = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
const conflicted = () =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }] });
const invalid = () => Object.assign(new Error('The provided key element does not match the schema'), { name: 'ValidationException' });

describe('the table gateway', () => {
  it("turns a read still throttled after the SDK's retries into TemporarilyUnavailable, keeping the cause", async () => {
    const { table } = failingTable(throttled);
    const error = await table.get({ pk: 'a', sk: 'b' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemporarilyUnavailable);
    expect((error as Error).cause).toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('retries a transaction cancelled by conflicts, reporting each retry, then answers TemporarilyUnavailable', async () => {
    const { table, calls, retried } = failingTable(conflicted);
    await expect(table.transact([])).rejects.toBeInstanceOf(TemporarilyUnavailable);
    expect(calls()).toBe(5);
    expect(retried).toEqual([1, 2, 3, 4]);
  });

  it('turns a request DynamoDB refuses as invalid into UnservableRequest, reads and writes alike', async () => {
    await expect(failingTable(invalid).table.queryAll({ KeyConditionExpression: 'pk = :pk' })).rejects.toBeInstanceOf(UnservableRequest);
    await expect(failingTable(invalid).table.transact([])).rejects.toBeInstanceOf(UnservableRequest);
  });

  it('passes any other failure on as it is', async () => {
    const odd = new TypeError('odd');
    await expect(failingTable(() => odd).table.get({ pk: 'a', sk: 'b' })).rejects.toBe(odd);
  });
});
