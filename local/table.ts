/**
 * Creates the table on DynamoDB Local from the same definition the CDK stack uses.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../functions/store/table-definition';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          tableDefinition.partitionKey,
          tableDefinition.sortKey,
          ...tableDefinition.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
        ].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map(indexOf),
        KeySchema: [
          { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    // A table kept in DATA_DIR from an earlier run is reused, given the indexes it lacks.
    if (!(error instanceof ResourceInUseException)) throw error;
    await addMissingIndexes(client, tableName);
  }
  await activeTable(client, tableName);
}

type IndexDefinition = (typeof tableDefinition.globalSecondaryIndexes)[number];

const indexOf = (index: IndexDefinition) => ({
  IndexName: index.indexName,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection:
    'nonKeyAttributes' in index
      ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] }
      : { ProjectionType: 'KEYS_ONLY' as const },
});

/** Resolves once the table and every index of it are active. */
async function activeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')) {
      return Table;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates, one at a time (as DynamoDB requires), the indexes of the definition a kept table lacks. */
async function addMissingIndexes(client: DynamoDBClient, tableName: string): Promise<void> {
  for (const index of tableDefinition.globalSecondaryIndexes) {
    const table = await activeTable(client, tableName);
    if ((table.GlobalSecondaryIndexes ?? []).some((existing) => existing.IndexName === index.indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        GlobalSecondaryIndexUpdates: [{ Create: indexOf(index) }],
      }),
    );
  }
}

/**
 * A client for DynamoDB Local. The access key names the database there (tables are per
 * key and region): the one this process runs with unless another is given.
 */
export function localClient(endpoint: string, accessKeyId = process.env.AWS_ACCESS_KEY_ID ?? 'local'): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: accessKeyId },
  });
}
