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
import type { DynamoDb } from '../functions/store/dynamodb';

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

const readOperations = new Set(['GetItem', 'BatchGetItem', 'Query', 'TransactGetItems']);

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
    case 'TransactWriteItems':
      return (input.TransactItems ?? []).reduce((sum, item) => sum + 2 * (item.Put ? kilobytes(item.Put.Item) : 1), 0);
    case 'BatchWriteItem':
      return Object.values(input.RequestItems ?? {})
        .flat()
        .reduce((sum, request) => sum + (request.PutRequest ? kilobytes(request.PutRequest.Item) : 1), 0);
    case 'PutItem':
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

/** Adds the accounting to a client. */
export function recordCallMetrics(client: DynamoDb): void {
  client.use(async (call, next) => {
    const record = requestMetrics.getStore();
    if (!record) return next(call);
    record.calls += 1;
    const step = (record.answeredStep ?? 0) + 1;
    record.depth = Math.max(record.depth, step);
    try {
      if (!readOperations.has(call.operation)) {
        record.writeUnits += writeUnits(call.operation, call.input as WriteInput);
        return await next(call);
      }
      const output = await next({ ...call, input: { ...call.input, ReturnConsumedCapacity: 'TOTAL' } } as typeof call);
      record.readUnits += units(output.ConsumedCapacity as Consumed);
      return output;
    } finally {
      record.answeredStep = Math.max(record.answeredStep ?? 0, step);
    }
  });
}
