/**
 * The idempotency records' persistence against DynamoDB Local: Powertools' conditions on
 * the table, through the `Table`, and the very items Powertools' own DynamoDB persistence
 * writes and reads.
 */
import { IdempotencyConfig, IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { services } from '../../functions/services';
import { createTable } from '../../functions/store';
import { createIdempotencyStore } from '../../functions/store/idempotency-store';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { documentClient, sdkClient } from '../support/document-client';

const HOUR = 3_600;
const configured = (layer: BasePersistenceLayer) => {
  layer.configure({
    config: new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'body', expiresAfterSeconds: HOUR }),
  });
  return layer;
};
const ours = () => configured(createIdempotencyStore(createTable(services().dynamoDb, services().config.tableName)));
const powertools = () =>
  configured(
    new DynamoDBPersistenceLayer({
      tableName: services().config.tableName,
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      staticPkValue: 'IDEMPOTENCY',
      expiryAttr: 'expiresAt',
      awsSdkV3Client: sdkClient(),
    }),
  );

let requests = 0;
const freshRequest = () => ({ key: `store-${process.pid}-${Date.now()}-${(requests += 1)}`, body: { title: 'Plan' } });
const answer = { statusCode: 201, body: '{"id":"m1"}' };

/** The item a request's record is stored as, read straight from the table. */
async function itemOf(layer: BasePersistenceLayer, request: ReturnType<typeof freshRequest>) {
  const { sortKey } = await layer.getRecord(request);
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: services().config.tableName, Key: { pk: 'IDEMPOTENCY', sk: sortKey }, ConsistentRead: true }),
  );
  return Item;
}

/** What `saveInProgress` refused with: the record in the way. */
async function refusal(save: Promise<void>) {
  const error = await save.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(IdempotencyItemAlreadyExistsError);
  return (error as IdempotencyItemAlreadyExistsError).existingRecord;
}

afterEach(() => unpinClock());

describe('the idempotency records on the table', () => {
  it('stores a first request in progress, with its expiry, its lock and its body hash', async () => {
    pinClock('2030-01-01T00:00:00Z');
    const now = Date.now();
    const store = ours();
    const request = freshRequest();

    await store.saveInProgress(request, 60_000);

    expect(await itemOf(store, request)).toEqual({
      pk: 'IDEMPOTENCY',
      sk: expect.stringMatching(/#/),
      status: 'INPROGRESS',
      expiresAt: now / 1000 + HOUR,
      in_progress_expiration: now + 60_000,
      validation: expect.any(String),
    });
  });

  it('refuses a retry while the first is in progress, with the record in the way', async () => {
    const store = ours();
    const request = freshRequest();
    await store.saveInProgress(request, 60_000);
    const first = await store.getRecord(request);

    const existing = await refusal(store.saveInProgress(request, 60_000));

    expect(existing).toEqual(first);
    expect(existing?.getStatus()).toBe('INPROGRESS');
  });

  it('takes over a record in progress whose lock has expired', async () => {
    pinClock('2030-01-01T00:00:00Z');
    const store = ours();
    const request = freshRequest();
    await store.saveInProgress(request, 1_000);
    setClock('2030-01-01T00:00:02Z');

    await store.saveInProgress(request, 60_000);

    expect((await store.getRecord(request)).inProgressExpiryTimestamp).toBe(Date.parse('2030-01-01T00:00:02Z') + 60_000);
  });

  it('takes over a completed record once it has expired', async () => {
    pinClock('2030-01-01T00:00:00Z');
    const store = ours();
    const request = freshRequest();
    await store.saveInProgress(request, 60_000);
    await store.saveSuccess(request, answer);
    setClock('2030-01-01T01:00:01Z');

    await store.saveInProgress(request, 60_000);

    expect((await store.getRecord(request)).getStatus()).toBe('INPROGRESS');
  });

  it('answers a completed record with the first answer, on a read and on a refused retry', async () => {
    const store = ours();
    const request = freshRequest();
    await store.saveInProgress(request, 60_000);

    await store.saveSuccess(request, answer);

    const record = await store.getRecord(request);
    expect([record.getStatus(), record.getResponse()]).toEqual(['COMPLETED', answer]);
    expect(await refusal(store.saveInProgress(request, 60_000))).toEqual(record);
  });

  it('deletes a record, after which the request runs afresh', async () => {
    const store = ours();
    const request = freshRequest();
    await store.saveInProgress(request, 60_000);

    await store.deleteRecord(request);

    await expect(store.getRecord(request)).rejects.toBeInstanceOf(IdempotencyItemNotFoundError);
    await expect(store.saveInProgress(request, 60_000)).resolves.toBeUndefined();
  });

  it("writes the items Powertools' own DynamoDB persistence writes, and reads them as it does", async () => {
    pinClock('2030-01-01T00:00:00Z');
    const [mine, theirs] = [freshRequest(), freshRequest()];
    for (const [layer, request] of [
      [ours(), mine],
      [powertools(), theirs],
    ] as const) {
      await layer.saveInProgress(request, 60_000);
      await layer.saveSuccess(request, answer);
    }

    const { sk: _mine, ...item } = (await itemOf(ours(), mine))!;
    const { sk: _theirs, ...expected } = (await itemOf(powertools(), theirs))!;
    expect(item).toEqual(expected);
    expect(await ours().getRecord(theirs)).toEqual(await powertools().getRecord(theirs));
    expect(await refusal(ours().saveInProgress(theirs, 60_000))).toEqual(await refusal(powertools().saveInProgress(theirs, 60_000)));
  });
});
