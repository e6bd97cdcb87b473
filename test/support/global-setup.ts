/**
 * Starts DynamoDB Local once for the whole run on a free port and creates the table.
 * Workers inherit the endpoint through the environment.
 */
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { ensureTable, localClient } from '../../local/table';

export const TEST_TABLE = 'calendar-test';

export default async function globalSetup(): Promise<void> {
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const database = await startDynamoDbLocal();
  (globalThis as { __dynamoDb?: typeof database }).__dynamoDb = database;
  process.env.DYNAMODB_ENDPOINT = database.endpoint;
  process.env.TABLE_NAME = TEST_TABLE;
  await ensureTable(localClient(database.endpoint), TEST_TABLE);
}
