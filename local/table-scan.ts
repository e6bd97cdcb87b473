/**
 * Every item of the table, read in parallel segments: a Scan, for the operator's
 * integrity check (`npm run check-integrity`) and the tests, never a path of the service.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { integrityProblems, type Item, mayBeTornRead } from '../functions/store/integrity';

/** How often the table is read again while what is wrong may be a Scan that saw half a transaction. */
const READS_UNTIL_STABLE = 10;
const PAUSE_MS = 300;

/**
 * The table's broken invariants (`integrityProblems`). A Scan is no snapshot: the meeting
 * counter, running beside it, moves an entry and its counter in one transaction that the
 * Scan may see half of. While every problem found may be that, the table is read again
 * (a few seconds at most); what stays wrong is reported.
 */
export async function tableProblems(
  client: DynamoDBDocumentClient,
  tableName: string,
  userIds?: ReadonlySet<string>,
): Promise<{ problems: string[]; itemsRead: number }> {
  for (let read = 1; ; read++) {
    const items = await readTable(client, tableName);
    const problems = integrityProblems(items, userIds);
    if (read >= READS_UNTIL_STABLE || !problems.some(mayBeTornRead)) return { problems, itemsRead: items.length };
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
}

export async function readTable(client: DynamoDBDocumentClient, tableName: string, segments = 4): Promise<Item[]> {
  const parts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const items: Item[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: segments,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...((page.Items ?? []) as Item[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    }),
  );
  return parts.flat();
}
