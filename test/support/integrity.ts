import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './document-client';
import { tableProblems } from '../../local/table-scan';
import { localClient } from '../../local/table';

/**
 * The table's broken invariants; tests assert there are none after races and faults.
 * By default the suite's shared table, judged only on `userIds`' items (other tests write
 * there at the same time); or a local server's own table, judged whole.
 */
export async function integrityOf(
  options: { userIds?: string[]; endpoint?: string; accessKeyId?: string; table?: string } = {},
): Promise<string[]> {
  const client = options.endpoint ? DynamoDBDocumentClient.from(localClient(options.endpoint, options.accessKeyId)) : documentClient();
  const table = options.table ?? (process.env.TABLE_NAME as string);
  return (await tableProblems(client, table, options.userIds ? new Set(options.userIds) : undefined)).problems;
}
