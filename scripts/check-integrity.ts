/**
 * `npm run check-integrity`: reads the whole table and prints every broken invariant.
 * Exits 1 when there is any, 2 when it cannot read the table.
 *
 * Which table: the `npm start` serving on PORT (default 3000) when one runs (it tells its
 * engine and key in `.local-runtime/<port>.json`); else DYNAMODB_ENDPOINT with
 * DYNAMODB_LOCAL_ACCESS_KEY (or DATA_DIR's key file) for a DynamoDB Local; else the table
 * TABLE_NAME in AWS, with AWS's usual credentials and region.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSetting } from '../functions/config';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readRuntimeFile } from '../local/runtime-file';
import { tableProblems } from '../local/table-scan';

const HELP = `Nothing to check: no \`npm start\` runs on this port and no database is named. Either
- start the service (\`npm start\`) and run this again, with PORT=<its port> if it is not 3000;
- or set DYNAMODB_ENDPOINT=<a DynamoDB Local's URL> with DYNAMODB_LOCAL_ACCESS_KEY=<its key> (or DATA_DIR=<its data directory>);
- or, for the deployed table, set AWS_REGION and TABLE_NAME (and AWS credentials).`;

interface Target {
  endpoint?: string;
  tableName: string;
  accessKeyId?: string;
  where: string;
}

function target(): Target | undefined {
  const endpoint = readSetting('dynamoDbEndpoint', process.env);
  if (!endpoint) {
    const running = readRuntimeFile(readSetting('port', process.env));
    if (running) {
      return { endpoint: running.dynamoDbEndpoint, tableName: running.tableName, accessKeyId: running.accessKeyId, where: running.url };
    }
  }
  const tableName = process.env.TABLE_NAME || 'calendar';
  if (endpoint) {
    // The local runtime's database is named by its access key (kept in DATA_DIR when persisted).
    const dataDir = readSetting('dataDir', process.env);
    const keyFile = dataDir ? join(resolve(dataDir), '.access-key') : undefined;
    const key = readSetting('localAccessKey', process.env) || (keyFile && existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '');
    return { endpoint, tableName, ...(key ? { accessKeyId: key } : {}), where: endpoint };
  }
  if (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION)
    return { tableName, where: `AWS (${process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION})` };
  return undefined;
}

async function main(): Promise<void> {
  const found = target();
  if (!found) {
    console.error(HELP);
    process.exit(2);
  }
  if (found.accessKeyId) process.env.AWS_ACCESS_KEY_ID = process.env.AWS_SECRET_ACCESS_KEY = found.accessKeyId;
  if (found.endpoint) process.env.AWS_REGION ||= 'us-east-1';
  // The SDK's notice that its future releases need Node 22 says nothing about this check (as under npm start).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
  const document = DynamoDBDocumentClient.from(new DynamoDBClient(found.endpoint ? { endpoint: found.endpoint } : {}));
  const { problems, itemsRead } = await tableProblems(document, found.tableName);
  for (const problem of problems) console.log(problem);
  console.log(`${found.tableName} at ${found.where}: ${itemsRead} items read, ${problems.length} problems found`);
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
