/**
 * `npm run check-integrity`: reads the whole table and prints every broken invariant.
 * Exits 1 when there is any. Reads TABLE_NAME (default `calendar`) and, for DynamoDB
 * Local, DYNAMODB_ENDPOINT; otherwise AWS's usual credentials and region.
 */
import { readSetting } from '../functions/config';
import { createClients } from '../functions/store/client';
import { integrityProblems, readTable } from '../functions/store/integrity';

async function main(): Promise<void> {
  const tableName = process.env.TABLE_NAME || 'calendar';
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
