/**
 * The benchmark's cost accounting (`local/dynamodb-metrics.ts`, attached by the local
 * server under DYNAMODB_METRICS=1): each request's DynamoDB calls, and how many of them it
 * waited for one after another (calls issued together share a step).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CallMetrics, recordCallMetrics, requestMetrics } from '../../local/dynamodb-metrics';
import { services } from '../../functions/services';
import { call, signedInUser } from '../support/api';

const { dynamoDb, documentClient, config } = services();
recordCallMetrics(dynamoDb);

async function measured(run: () => Promise<unknown>): Promise<CallMetrics> {
  const metrics: CallMetrics = { calls: 0, depth: 0, readUnits: 0, writeUnits: 0 };
  await requestMetrics.run(metrics, run);
  return metrics;
}

const read = (pk: string) => documentClient.send(new GetCommand({ TableName: config.tableName, Key: { pk, sk: 'nothing' } }));

describe('the cost of a request', () => {
  it('counts calls made one after another as as many steps', async () => {
    expect(
      await measured(async () => {
        await read('a');
        await read('b');
      }),
    ).toMatchObject({ calls: 2, depth: 2 });
  });

  it('counts calls made together as one step', async () => {
    expect(await measured(() => Promise.all([read('a'), read('b'), read('c')]))).toMatchObject({ calls: 3, depth: 1 });
  });

  it('counts a call after the first of two parallel calls answered as the next step, whenever the other answers', async () => {
    expect(
      await measured(() =>
        Promise.all([read('slow').then(() => new Promise((resolve) => setTimeout(resolve, 50))), read('a').then(() => read('b'))]),
      ),
    ).toMatchObject({ calls: 3, depth: 2 });
  });

  it('reports a listing page: the caller, then the count beside the index page, then the meetings', async () => {
    const me = await signedInUser('cost');
    const year = new Date().getUTCFullYear() + 1;
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'M', time_slot: `${year}-05-04 10:00:00`, participants: [] },
    });
    expect(booked.status).toBe(201);
    let status = 0;
    const figures = await measured(async () => {
      status = (await call('GET', '/api/event/', { headers: me.auth })).status;
    });
    expect(status).toBe(200);
    expect(figures).toMatchObject({ calls: 4, depth: 3, writeUnits: 0 });
  });
});
