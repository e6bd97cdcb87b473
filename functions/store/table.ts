/**
 * The one table as every store uses it. Reads and writes that still fail for transient
 * reasons (throttling, timeouts, conflicts with other transactions) after bounded retries
 * become the domain's TemporarilyUnavailable here, so nothing above the store knows the
 * engine's errors. The paging and batch-read loops are written once, here.
 */
import type {
  DeleteCommandInput,
  PutCommandInput,
  QueryCommandInput,
  TransactWriteCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TemporarilyUnavailable, UnservableRequest } from '../domain/errors';
import type { Key, StoredItem } from './items/item';
import type { DynamoDb } from './dynamodb';
import { defaultRetry, isTransient, type RetryOptions, withRetries } from './retry';

/** DynamoDB's bound on the items of one transaction. */
export const TRANSACTION_MAX_ITEMS = 100;
/** DynamoDB's bounds on one BatchGetItem and one BatchWriteItem. */
const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A Query of this table, without the table's name. */
export type TableQuery = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/** What the store reports as it works, for business metrics. @default nothing */
export interface StoreObserver {
  /** A write was retried after a transient failure. */
  writeRetried?(): void;
}

/**
 * An Update that writes `item` as a Put would, except that it leaves alone the attributes
 * it does not name (a counter's bookkeeping on the item): every attribute of `item` but
 * its key is set, and those of `remove` that `item` lacks are removed.
 */
export function updateSettingAll(item: Key & Record<string, unknown>, remove: readonly string[] = []) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (name === 'pk' || name === 'sk' || value === undefined) continue;
    names[`#s${sets.length}`] = name;
    values[`:s${sets.length}`] = value;
    sets.push(`#s${sets.length} = :s${sets.length}`);
  }
  for (const name of remove) {
    if (item[name] !== undefined) continue;
    names[`#r${removes.length}`] = name;
    removes.push(`#r${removes.length}`);
  }
  return {
    Key: { pk: item.pk, sk: item.sk },
    UpdateExpression: [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '']
      .filter(Boolean)
      .join(' '),
    ExpressionAttributeNames: names,
    ...(sets.length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

export class Table {
  private readonly retry: RetryOptions;

  constructor(
    readonly client: DynamoDb,
    readonly name: string,
    private readonly observer: StoreObserver = {},
  ) {
    this.retry = { ...defaultRetry, onRetry: () => observer.writeRetried?.() };
  }

  /** One item by key, strongly consistent. */
  get(key: Key): Promise<StoredItem | undefined> {
    return read(async () => {
      const { Item } = await this.client.send('GetItem', { TableName: this.name, Key: key, ConsistentRead: true });
      return Item as StoredItem | undefined;
    });
  }

  /** Every item the query matches, following the pages. */
  queryAll(query: TableQuery): Promise<StoredItem[]> {
    return this.queryUpTo(query, Number.POSITIVE_INFINITY);
  }

  /** Items from `start` (exclusive) until `wanted` are read or the query ends. */
  queryUpTo(query: TableQuery, wanted: number, start?: Record<string, unknown>): Promise<StoredItem[]> {
    return read(async () => {
      const items: StoredItem[] = [];
      let startKey = start;
      do {
        const limit = Number.isFinite(wanted) ? { Limit: wanted - items.length } : {};
        const page = await this.client.send('Query', { ...query, ...limit, TableName: this.name, ExclusiveStartKey: startKey });
        items.push(...((page.Items ?? []) as StoredItem[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey && items.length < wanted);
      return items;
    });
  }

  /** How many items the query matches (`Select: COUNT` over every page). */
  count(query: TableQuery): Promise<number> {
    return read(async () => {
      let total = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send('Query', { ...query, TableName: this.name, Select: 'COUNT', ExclusiveStartKey: startKey });
        total += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return total;
    });
  }

  /** The items of these keys that exist, strongly consistent; unprocessed keys are asked again. */
  batchGet(keys: readonly Key[]): Promise<StoredItem[]> {
    return read(async () => {
      const found: StoredItem[] = [];
      let pending: Record<string, unknown>[] = keys.map((key) => ({ ...key }));
      while (pending.length > 0) {
        const result = await this.client.send('BatchGetItem', {
          RequestItems: { [this.name]: { Keys: pending.slice(0, BATCH_GET_MAX), ConsistentRead: true } },
        });
        pending = [...pending.slice(BATCH_GET_MAX), ...(result.UnprocessedKeys?.[this.name]?.Keys ?? [])];
        found.push(...((result.Responses?.[this.name] ?? []) as StoredItem[]));
      }
      return found;
    });
  }

  /**
   * The items of these keys (undefined where there is none), read together as one
   * serializable snapshot (at most `TRANSACTION_MAX_ITEMS`), retried while a transaction
   * writing them is under way.
   */
  async snapshot(keys: readonly Key[]): Promise<Array<StoredItem | undefined>> {
    const input = { TransactItems: keys.map((Key) => ({ Get: { TableName: this.name, Key } })) };
    const { Responses } = await read(() => withRetries(() => this.client.send('TransactGetItems', input), this.retry));
    return keys.map((_, index) => Responses?.[index]?.Item as StoredItem | undefined);
  }

  /**
   * One transaction, retried while it fails for transient reasons. With a client request
   * token, a retry after a lost answer is recognised by DynamoDB as the same transaction
   * (within ten minutes) and not applied twice: for writes that cannot recognise their own
   * earlier success from the items, such as counters.
   */
  async transact(items: readonly TransactItem[], options: { clientRequestToken?: string } = {}): Promise<void> {
    const input = { TransactItems: [...items], ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}) };
    await read(() => withRetries(() => this.client.send('TransactWriteItems', input), this.retry));
  }

  /** One Put, retried while it fails for transient reasons (a failed condition is thrown as DynamoDB answers it). */
  async put(input: Omit<PutCommandInput, 'TableName'>): Promise<void> {
    await read(() => withRetries(() => this.client.send('PutItem', { ...input, TableName: this.name }), this.retry));
  }

  /** One Delete, retried while it fails for transient reasons; answers the item it removed, if any. */
  async remove(input: Omit<DeleteCommandInput, 'TableName' | 'ReturnValues'>): Promise<StoredItem | undefined> {
    const { Attributes } = await read(() =>
      withRetries(() => this.client.send('DeleteItem', { ...input, TableName: this.name, ReturnValues: 'ALL_OLD' }), this.retry),
    );
    return Attributes as StoredItem | undefined;
  }

  /** One Update, retried while it fails for transient reasons; answers the attributes asked for by `ReturnValues`. */
  async update(input: Omit<UpdateCommandInput, 'TableName'>): Promise<StoredItem | undefined> {
    const { Attributes } = await read(() =>
      withRetries(() => this.client.send('UpdateItem', { ...input, TableName: this.name }), this.retry),
    );
    return Attributes as StoredItem | undefined;
  }

  /** Deletes the keys in batches, re-sending unprocessed ones, in the given order. */
  async batchDelete(keys: readonly Key[]): Promise<void> {
    for (let start = 0; start < keys.length; start += BATCH_WRITE_MAX) {
      let requests = keys.slice(start, start + BATCH_WRITE_MAX).map((Key) => ({ DeleteRequest: { Key } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await withRetries(
          () => this.client.send('BatchWriteItem', { RequestItems: { [this.name]: requests } }),
          this.retry,
        );
        requests = (UnprocessedItems?.[this.name] ?? []) as typeof requests;
      }
    }
  }
}

/**
 * Runs a call: a transient failure that outlasted the client's own retries is
 * TemporarilyUnavailable; a request DynamoDB refuses as invalid is UnservableRequest (400).
 */
async function read<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTransient(error)) throw new TemporarilyUnavailable({ cause: error });
    if (error instanceof Error && error.name === 'ValidationException') throw new UnservableRequest({ cause: error });
    throw error;
  }
}
