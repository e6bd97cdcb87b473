/**
 * DynamoDB as the stores use it: the operations they send, with items as plain JavaScript
 * values in and out (marshalled by `@aws-sdk/util-dynamodb`, as the SDK's document client
 * does, undefined values left out), over `aws-json.ts`. Errors are the service's own,
 * raw as the SDK gives them (a cancelled transaction's `CancellationReasons[].Item` and a
 * failed condition's `Item` stay in attribute-value form). As the SDK does, a transaction
 * sent without a `ClientRequestToken` gets one, which the client's own retries resend: a
 * retry after an answer lost on the way is not applied twice. No item holds binary
 * attributes, which this client does not encode.
 *
 * Interceptors wrap every call, its retries included, in the order added: the deadline
 * and the in-flight bound (`client.ts`), the local runtime's cost accounting, tests that
 * hold or watch calls. (Tests that stand in for a failing engine replace `send` itself,
 * outside them all: `test/support/store-faults.ts`.)
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  TransactGetCommandInput,
  TransactGetCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { AwsJsonClient, type AwsJsonOptions } from './aws-json';

/** Each operation's input and output, in document form: item, key-range and transaction operations only. */
export interface Operations {
  GetItem: [GetCommandInput, Omit<GetCommandOutput, '$metadata'>];
  Query: [QueryCommandInput, Omit<QueryCommandOutput, '$metadata'>];
  BatchGetItem: [BatchGetCommandInput, Omit<BatchGetCommandOutput, '$metadata'>];
  TransactGetItems: [TransactGetCommandInput, Omit<TransactGetCommandOutput, '$metadata'>];
  PutItem: [PutCommandInput, Omit<PutCommandOutput, '$metadata'>];
  UpdateItem: [UpdateCommandInput, Omit<UpdateCommandOutput, '$metadata'>];
  DeleteItem: [DeleteCommandInput, Omit<DeleteCommandOutput, '$metadata'>];
  BatchWriteItem: [BatchWriteCommandInput, Omit<BatchWriteCommandOutput, '$metadata'>];
  TransactWriteItems: [TransactWriteCommandInput, Omit<TransactWriteCommandOutput, '$metadata'>];
}
export type Operation = keyof Operations;

/** One call as interceptors see it: the operation and its document-form input. */
export interface Call<O extends Operation = Operation> {
  operation: O;
  input: Operations[O][0];
}
export type Interceptor = (call: Call, next: (call: Call) => Promise<Record<string, unknown>>) => Promise<Record<string, unknown>>;

type Item = Record<string, unknown>;
type RawItem = Record<string, AttributeValue>;

/** The attributes of an input that hold one item (or a map of values) to marshall. */
const itemFields = new Set(['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey']);

const toRaw = (item: unknown): RawItem => marshall(item as Item, { removeUndefinedValues: true });
const toItem = (raw: unknown): Item => unmarshall(raw as RawItem);

/** A copy of `value` with every item under `itemFields` (and each of `Keys`) marshalled. */
function marshallInput(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(marshallInput);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    if (itemFields.has(name)) out[name] = toRaw(inner);
    else if (name === 'Keys' && Array.isArray(inner)) out[name] = inner.map(toRaw);
    else out[name] = marshallInput(inner);
  }
  return out;
}

/** The output with its items in document form; `raw` is the service's parsed answer. */
function unmarshallOutput(operation: Operation, raw: Record<string, unknown>): Record<string, unknown> {
  const out = { ...raw };
  if (raw.Item) out.Item = toItem(raw.Item);
  if (raw.Attributes) out.Attributes = toItem(raw.Attributes);
  if (raw.LastEvaluatedKey) out.LastEvaluatedKey = toItem(raw.LastEvaluatedKey);
  if (Array.isArray(raw.Items)) out.Items = raw.Items.map(toItem);
  if (operation === 'TransactGetItems' && Array.isArray(raw.Responses)) {
    out.Responses = raw.Responses.map((response: { Item?: unknown }) => (response.Item ? { Item: toItem(response.Item) } : {}));
  }
  if (operation === 'BatchGetItem') {
    const byTable = (raw.Responses ?? {}) as Record<string, unknown[]>;
    out.Responses = Object.fromEntries(Object.entries(byTable).map(([table, items]) => [table, items.map(toItem)]));
    const unprocessed = (raw.UnprocessedKeys ?? {}) as Record<string, { Keys: unknown[] }>;
    out.UnprocessedKeys = Object.fromEntries(
      Object.entries(unprocessed).map(([table, request]) => [table, { ...request, Keys: request.Keys.map(toItem) }]),
    );
  }
  if (operation === 'BatchWriteItem') {
    const unprocessed = (raw.UnprocessedItems ?? {}) as Record<
      string,
      Array<{ PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }>
    >;
    out.UnprocessedItems = Object.fromEntries(
      Object.entries(unprocessed).map(([table, requests]) => [
        table,
        requests.map((request) =>
          request.PutRequest
            ? { PutRequest: { Item: toItem(request.PutRequest.Item) } }
            : { DeleteRequest: { Key: toItem(request.DeleteRequest!.Key) } },
        ),
      ]),
    );
  }
  return out;
}

/** A transaction's input with a client request token, its own or a fresh one. */
function withToken(call: Call): Call['input'] {
  if (call.operation !== 'TransactWriteItems') return call.input;
  const input = call.input as Operations['TransactWriteItems'][0];
  return input.ClientRequestToken ? input : { ...input, ClientRequestToken: randomUUID() };
}

export type DynamoDbOptions = Partial<Omit<AwsJsonOptions, 'service' | 'target' | 'version'>>;

export class DynamoDb {
  private readonly json: AwsJsonClient;
  private readonly interceptors: Interceptor[] = [];

  constructor(options: DynamoDbOptions = {}) {
    this.json = new AwsJsonClient({ ...options, service: 'dynamodb', target: 'DynamoDB_20120810', version: '1.0' });
  }

  /** Wraps every later call in `interceptor` (inside those added before it); answers its removal. */
  use(interceptor: Interceptor): () => void {
    this.interceptors.push(interceptor);
    return () => {
      const index = this.interceptors.indexOf(interceptor);
      if (index >= 0) this.interceptors.splice(index, 1);
    };
  }

  /** Closes the pooled connections. */
  close(): void {
    this.json.close();
  }

  /** Sends one operation; answers its output in document form. */
  send<O extends Operation>(operation: O, input: Operations[O][0]): Promise<Operations[O][1]> {
    const run = (index: number, call: Call): Promise<Record<string, unknown>> =>
      index < this.interceptors.length
        ? this.interceptors[index]!(call, (next) => run(index + 1, next))
        : this.json.call(call.operation, marshallInput(withToken(call))).then((raw) => unmarshallOutput(call.operation, raw));
    return run(0, { operation, input } as Call) as Promise<Operations[O][1]>;
  }
}
