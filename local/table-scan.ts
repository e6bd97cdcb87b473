/**
 * Every item of the table, read in parallel segments: a Scan, for the operator's
 * integrity check (`npm run check-integrity`) and the tests, never a path of the service.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from '../functions/store/integrity';

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
