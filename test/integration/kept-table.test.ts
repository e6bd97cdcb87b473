/**
 * A table kept in DATA_DIR by an earlier version of `npm start` is reused, and given the
 * indexes the definition has gained since (as the stack would be deployed over it).
 */
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../../functions/store/table-definition';
import { ensureTable, localClient } from '../../local/table';

it('gives a kept table the indexes it lacks, and keeps the ones it has', async () => {
  const client = localClient(process.env.DYNAMODB_ENDPOINT!);
  const TableName = `kept-${process.pid}-${Date.now()}`;
  const [byTime] = tableDefinition.globalSecondaryIndexes;
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', byTime.partitionKey, byTime.sortKey].map((AttributeName) => ({
        AttributeName,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: byTime.indexName,
          KeySchema: [
            { AttributeName: byTime.partitionKey, KeyType: 'HASH' },
            { AttributeName: byTime.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
  try {
    await ensureTable(client, TableName);
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      status: index.IndexStatus,
      projection: index.Projection?.ProjectionType,
    }));
    expect(indexes.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual(
      tableDefinition.globalSecondaryIndexes
        .map((index) => ({
          name: index.indexName,
          status: 'ACTIVE',
          projection: 'nonKeyAttributes' in index ? 'INCLUDE' : 'KEYS_ONLY',
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    // Run again on a table that has them all: nothing to do.
    await ensureTable(client, TableName);
  } finally {
    await client.send(new DeleteTableCommand({ TableName }));
  }
});
