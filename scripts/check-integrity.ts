/**
 * `npm run check-integrity`: reads the whole table and prints every broken invariant.
 * Exits 1 when there is any. Reads TABLE_NAME (default `calendar`) and, for DynamoDB
 * Local, DYNAMODB_ENDPOINT with DYNAMODB_LOCAL_ACCESS_KEY (or DATA_DIR's key file);
 * otherwise AWS's usual credentials and region.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSetting } from '../functions/config';
import { createClients } from '../functions/store/client';
import { integrityProblems } from '../functions/store/integrity';
import { readTable } from '../local/table-scan';

async function main(): Promise<void> {
  const tableName = process.env.TABLE_NAME || 'calendar';
  // The local runtime's database is named by its access key (kept in DATA_DIR when persisted).
  const dataDir = readSetting('dataDir', process.env);
  const keyFile = dataDir ? join(resolve(dataDir), '.access-key') : undefined;
  const localKey =
    readSetting('localAccessKey', process.env) || (keyFile && existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '');
  if (localKey) process.env.AWS_ACCESS_KEY_ID = process.env.AWS_SECRET_ACCESS_KEY = localKey;
  const { document } = createClients({ endpoint: readSetting('dynamoDbEndpoint', process.env) || undefined });
  const items = await readTable(document, tableName);
  const problems = integrityProblems(items);
  for (const problem of problems) console.log(problem);
  console.log(`${items.length} items read, ${problems.length} problems found`);
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
