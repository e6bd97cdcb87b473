/**
 * DynamoDB cost accounting for one request, for the benchmark: attached by the local
 * server to the service's client only when DYNAMODB_METRICS=1 (never part of a Lambda bundle). Each call adds its round trip, its sequential step (one more than the calls that had
 * answered when it started) and request units to the request's AsyncLocalStorage record. Read units are DynamoDB's own ConsumedCapacity (TOTAL).
 * Write units are computed under AWS's on-demand rules from the items written, because
 * DynamoDB Local does not bill transactions as AWS does: one unit per started KB of a
 * written item, two in a transaction; a delete, update or condition check counts as one
 * KB (our items that are updated or deleted are all under 1 KB).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CallMetrics {
  calls: number;
  /**
   * Sequential steps: the longest chain of calls each started after the one before it had
   * answered. A call's step is one more than the highest step among the calls that had
   * answered when it started, so calls issued together (`Promise.all`) share a step.
   */
  depth: number;
  readUnits: number;
  writeUnits: number;
  /** The highest step among the calls that have answered so far (for `depth`). */
  answeredStep?: number;
}

export const requestMetrics = new AsyncLocalStorage<CallMetrics>();

const readCommands = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);

/** Started kilobytes of an item, from its JSON size (close to DynamoDB's byte count). */
function kilobytes(item: unknown): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item ?? {}), 'utf8') / 1024));
}

type WriteInput = {
  Item?: unknown;
  TransactItems?: { Put?: { Item?: unknown } }[];
  RequestItems?: Record<string, { PutRequest?: { Item?: unknown } }[]>;
};

/** AWS on-demand write request units of a write command. */
function writeUnits(command: string, input: WriteInput): number {
  switch (command) {
    case 'TransactWriteItemsCommand':
      return (input.TransactItems ?? []).reduce((sum, item) => sum + 2 * (item.Put ? kilobytes(item.Put.Item) : 1), 0);
    case 'BatchWriteItemCommand':
      return Object.values(input.RequestItems ?? {})
        .flat()
        .reduce((sum, request) => sum + (request.PutRequest ? kilobytes(request.PutRequest.Item) : 1), 0);
    case 'PutItemCommand':
      return kilobytes(input.Item);
    default:
      return 1;
  }
}

type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

function units(consumed: Consumed): number {
  if (!consumed) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
}

/** Adds the accounting middleware to a client. */
export function recordCallMetrics(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const record = requestMetrics.getStore();
      if (!record) return next(args);
      const command = context.commandName ?? '';
      record.calls += 1;
      const step = (record.answeredStep ?? 0) + 1;
      record.depth = Math.max(record.depth, step);
      try {
        if (!readCommands.has(command)) {
          record.writeUnits += writeUnits(command, args.input as WriteInput);
          return await next(args);
        }
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        record.readUnits += units((result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity);
        return result;
      } finally {
        record.answeredStep = Math.max(record.answeredStep ?? 0, step);
      }
    },
    { step: 'initialize', name: 'benchCallMetrics' },
  );
}
