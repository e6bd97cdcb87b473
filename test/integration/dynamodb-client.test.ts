/**
 * The service's DynamoDB client (`functions/store/dynamodb.ts`) against DynamoDB Local:
 * every operation the stores send, items in document form both ways, and the engine's
 * own errors as the stores read them. The SDK's document client is the reference.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { services } from '../../functions/services';
import { DynamoDb } from '../../functions/store/dynamodb';
import { documentClient } from '../support/document-client';

const { dynamoDb, config } = services();
const TableName = config.tableName;
const pk = () => `TEST#${randomUUID()}`;

/**
 * A proxy in front of DynamoDB Local that lets the first `operation` through to the
 * engine but drops its answer (the connection is cut), as a network may after a write
 * was applied; everything else passes both ways.
 */
async function losingFirstAnswerOf(operation: string) {
  const upstream = new URL(config.dynamoDbEndpoint!);
  const seen: string[] = [];
  let dropped = 0;
  const proxy = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const target = String(incoming.headers['x-amz-target']).split('.')[1]!;
      seen.push(target);
      const forwarded = request(
        { hostname: upstream.hostname, port: upstream.port, method: 'POST', path: '/', headers: incoming.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (target === operation && dropped === 0) {
              dropped += 1;
              incoming.socket.destroy();
              return;
            }
            outgoing.writeHead(answer.statusCode!, answer.headers).end(Buffer.concat(body));
          });
        },
      );
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    seen,
    close: () => {
      proxy.closeAllConnections();
      return new Promise((resolve) => proxy.close(resolve));
    },
  };
}

const item = (key: string, sk: string) => ({
  pk: key,
  sk,
  text: 'naïve café ☕',
  number: 42.5,
  flag: true,
  nothing: null,
  list: [1, 'two', { three: 3 }],
  map: { nested: { deeper: ['x'] } },
  set: new Set(['a', 'b']),
  left: undefined,
});

describe('the DynamoDB client', () => {
  it('writes and reads items as the SDK document client does (undefined left out)', async () => {
    const key = pk();
    await dynamoDb.send('PutItem', { TableName, Item: item(key, 'A') });
    const { Item } = await dynamoDb.send('GetItem', { TableName, Key: { pk: key, sk: 'A' }, ConsistentRead: true });
    const reference = await documentClient().send(new GetCommand({ TableName, Key: { pk: key, sk: 'A' }, ConsistentRead: true }));
    expect(Item).toEqual(reference.Item);
    const { left: _left, ...expected } = item(key, 'A');
    expect(Item).toEqual(expected);
    expect((await dynamoDb.send('GetItem', { TableName, Key: { pk: key, sk: 'none' } })).Item).toBeUndefined();
  });

  it('queries page by page, counts, and reads in batches and in transactions', async () => {
    const key = pk();
    const sks = Array.from({ length: 30 }, (_, i) => `S#${String(i).padStart(2, '0')}`);
    const put = sks.map((sk) => ({ PutRequest: { Item: { pk: key, sk, i: Number(sk.slice(2)) } } }));
    for (let i = 0; i < put.length; i += 25) {
      const { UnprocessedItems } = await dynamoDb.send('BatchWriteItem', { RequestItems: { [TableName]: put.slice(i, i + 25) } });
      expect(UnprocessedItems).toEqual({});
    }
    const query = { TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': key } };
    const first = await dynamoDb.send('Query', { ...query, Limit: 10 });
    expect(first.Items?.map((found) => found.sk)).toEqual(sks.slice(0, 10));
    expect(first.LastEvaluatedKey).toEqual({ pk: key, sk: sks[9] });
    const second = await dynamoDb.send('Query', { ...query, ExclusiveStartKey: first.LastEvaluatedKey });
    expect(second.Items?.map((found) => found.i)).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
    expect((await dynamoDb.send('Query', { ...query, Select: 'COUNT' })).Count).toBe(30);

    const batch = await dynamoDb.send('BatchGetItem', {
      RequestItems: {
        [TableName]: {
          Keys: [
            { pk: key, sk: sks[3] },
            { pk: key, sk: 'none' },
          ],
          ConsistentRead: true,
        },
      },
    });
    expect(batch.Responses?.[TableName]).toEqual([{ pk: key, sk: sks[3], i: 3 }]);
    expect(batch.UnprocessedKeys).toEqual({});
    const snapshot = await dynamoDb.send('TransactGetItems', {
      TransactItems: [{ Get: { TableName, Key: { pk: key, sk: sks[1] } } }, { Get: { TableName, Key: { pk: key, sk: 'none' } } }],
    });
    expect(snapshot.Responses).toEqual([{ Item: { pk: key, sk: sks[1], i: 1 } }, {}]);

    await dynamoDb.send('BatchWriteItem', {
      RequestItems: { [TableName]: sks.slice(0, 25).map((sk) => ({ DeleteRequest: { Key: { pk: key, sk } } })) },
    });
    expect((await dynamoDb.send('Query', { ...query, Select: 'COUNT' })).Count).toBe(5);
  });

  it('updates and deletes, answering the values asked for', async () => {
    const key = pk();
    await dynamoDb.send('PutItem', { TableName, Item: { pk: key, sk: 'C', count: 1 } });
    const { Attributes } = await dynamoDb.send('UpdateItem', {
      TableName,
      Key: { pk: key, sk: 'C' },
      UpdateExpression: 'ADD #c :one SET #t = :t',
      ExpressionAttributeNames: { '#c': 'count', '#t': 'tags' },
      ExpressionAttributeValues: { ':one': 1, ':t': ['x'] },
      ReturnValues: 'ALL_NEW',
    });
    expect(Attributes).toEqual({ pk: key, sk: 'C', count: 2, tags: ['x'] });
    const removed = await dynamoDb.send('DeleteItem', { TableName, Key: { pk: key, sk: 'C' }, ReturnValues: 'ALL_OLD' });
    expect(removed.Attributes).toEqual({ pk: key, sk: 'C', count: 2, tags: ['x'] });
  });

  it("throws the engine's failed condition and cancelled transaction with the items, raw, as the SDK does", async () => {
    const key = pk();
    await dynamoDb.send('PutItem', { TableName, Item: { pk: key, sk: 'D', kind: 'blocked' } });
    // A Put that the blocked hour refuses, answering the item in its way.
    const refused = {
      TableName,
      Item: { pk: key, sk: 'D', kind: 'meeting' },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const failed = await dynamoDb.send('PutItem', refused).catch((error: unknown) => error);
    expect(failed).toMatchObject({
      name: 'ConditionalCheckFailedException',
      Item: { pk: { S: key }, sk: { S: 'D' }, kind: { S: 'blocked' } },
    });

    const cancelled = await dynamoDb
      .send('TransactWriteItems', {
        TransactItems: [{ Put: { TableName, Item: { pk: key, sk: 'E' } } }, { Put: refused }],
      })
      .catch((error: unknown) => error);
    expect(cancelled).toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { kind: { S: 'blocked' } } }],
    });
    expect((await dynamoDb.send('GetItem', { TableName, Key: { pk: key, sk: 'E' }, ConsistentRead: true })).Item).toBeUndefined();
  });

  it('applies a transaction once when its answer was lost and the client sent it again', async () => {
    const proxy = await losingFirstAnswerOf('TransactWriteItems');
    const client = new DynamoDb({ endpoint: proxy.url });
    try {
      const key = pk();
      const add = { TableName, Key: { pk: key, sk: 'N' }, UpdateExpression: 'ADD #n :one', ExpressionAttributeNames: { '#n': 'n' } };
      await client.send('TransactWriteItems', {
        TransactItems: [{ Update: { ...add, ExpressionAttributeValues: { ':one': 1 } } }],
      });
      // Sent twice, applied once: the retry carried the transaction's client request token.
      expect(proxy.seen).toEqual(['TransactWriteItems', 'TransactWriteItems']);
      const { Item } = await dynamoDb.send('GetItem', { TableName, Key: { pk: key, sk: 'N' }, ConsistentRead: true });
      expect(Item).toEqual({ pk: key, sk: 'N', n: 1 });
    } finally {
      client.close();
      await proxy.close();
    }
  });

  it('answers a request the engine refuses with its ValidationException', async () => {
    await expect(dynamoDb.send('GetItem', { TableName, Key: { pk: pk() } })).rejects.toMatchObject({
      name: 'ValidationException',
      $fault: 'client',
    });
  });
});
