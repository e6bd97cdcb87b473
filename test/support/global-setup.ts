/**
 * Starts DynamoDB Local once for the whole run on a free port and creates the table.
 * Workers inherit the endpoint through the environment.
 */
import { randomBytes } from 'node:crypto';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { ensureTable, localClient } from '../../local/table';
import { buildWeb } from '../../scripts/web-bundle';

export const TEST_TABLE = 'calendar-test';

export default async function globalSetup(): Promise<void> {
  process.env.AWS_REGION = 'us-east-1';
  // A key of this run's own: DynamoDB Local keeps a database per access key.
  process.env.AWS_ACCESS_KEY_ID = `test${randomBytes(8).toString('hex')}`;
  process.env.AWS_SECRET_ACCESS_KEY = process.env.AWS_ACCESS_KEY_ID;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The web calendar's files, which its routes serve (as `npm test` and `npm start` build them first).
  await buildWeb(process.cwd());
  const database = await startDynamoDbLocal();
  (globalThis as { __dynamoDb?: typeof database }).__dynamoDb = database;
  process.env.DYNAMODB_ENDPOINT = database.endpoint;
  process.env.TABLE_NAME = TEST_TABLE;
  await ensureTable(localClient(database.endpoint), TEST_TABLE);
}
