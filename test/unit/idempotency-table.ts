/**
 * An in-memory stand-in for the service table as the idempotency records use it (Put with
 * Powertools' condition, Get, Update SET, Delete): a real `Table` whose client's `send` it
 * answers. Items go through marshalling as they would to DynamoDB and back, and a failed
 * condition is thrown as the engine answers it, with the item in attribute values.
 */
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsServiceError } from '../../functions/store/aws-json';
import { type Call, DynamoDb, type Operation, type Operations } from '../../functions/store/dynamodb';
import { Table } from '../../functions/store/table';

type Item = Record<string, unknown>;

/** What DynamoDB would store of `item` and answer for it. */
const stored = (item: Item): Item => unmarshall(marshall(item, { removeUndefinedValues: true }));
const id = (key: Item) => JSON.stringify([key.pk, key.sk]);

export class IdempotencyTable extends Table {
  readonly items = new Map<string, Item>();

  constructor() {
    const client = new DynamoDb({ region: 'us-east-1' });
    super(client, 'idempotency-test');
    client.send = (<O extends Operation>(operation: O, input: Operations[O][0]) =>
      this.handle({ operation, input } as Call)) as typeof client.send;
  }

  /** The stored records. */
  records(): Item[] {
    return [...this.items.values()];
  }

  private async handle(call: Call): Promise<never> {
    return (await this.answer(call)) as never;
  }

  private async answer(call: Call): Promise<unknown> {
    if (call.operation === 'PutItem') {
      const { Item, ExpressionAttributeNames, ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure } = (call as Call<'PutItem'>)
        .input;
      const key = id(Item!);
      const old = this.items.get(key);
      if (old && !this.replaceable(old, ExpressionAttributeNames!, ExpressionAttributeValues!)) {
        throw new AwsServiceError('ConditionalCheckFailedException', 400, {
          message: 'The conditional request failed',
          ...(ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? { Item: marshall(old) } : {}),
        });
      }
      this.items.set(key, stored(Item!));
      return {};
    }
    if (call.operation === 'GetItem') return { Item: this.items.get(id((call as Call<'GetItem'>).input.Key!)) };
    if (call.operation === 'UpdateItem') {
      const { Key, UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues } = (call as Call<'UpdateItem'>).input;
      const item = { ...this.items.get(id(Key!)), ...Key };
      for (const assignment of UpdateExpression!.replace(/^SET /, '').split(', ')) {
        const [name, value] = assignment.split(' = ') as [string, string];
        item[ExpressionAttributeNames![name]!] = ExpressionAttributeValues![value];
      }
      this.items.set(id(Key!), stored(item));
      return {};
    }
    if (call.operation === 'DeleteItem') {
      const { Key } = (call as Call<'DeleteItem'>).input;
      const old = this.items.get(id(Key!));
      this.items.delete(id(Key!));
      return { Attributes: old };
    }
    throw new Error(`unexpected ${call.operation}`);
  }

  /** Powertools' condition: no record, an expired one, or an in-progress one whose lock expired. */
  private replaceable(old: Item, names: Record<string, string>, values: Record<string, unknown>): boolean {
    if ((old[names['#expiry']!] as number) < (values[':now'] as number)) return true;
    const lock = old[names['#in_progress_expiry']!] as number | undefined;
    return old[names['#status']!] === values[':inprogress'] && lock !== undefined && lock < (values[':now_in_millis'] as number);
  }
}
