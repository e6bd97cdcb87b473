/**
 * An in-memory stand-in for the service table as the idempotency records use it (Put with
 * Powertools' condition, Get, Update SET, Delete): a real `Table` whose document client's
 * `send` it answers. Items go through marshalling as they would to DynamoDB and back, and
 * a failed condition is thrown as the SDK throws it, with the item in attribute values.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Table } from '../../functions/store/table';

type Item = Record<string, unknown>;

/** What DynamoDB would store of `item` and answer for it. */
const stored = (item: Item): Item => unmarshall(marshall(item, { removeUndefinedValues: true }));
const id = (key: Item) => JSON.stringify([key.pk, key.sk]);

export class IdempotencyTable extends Table {
  readonly items = new Map<string, Item>();

  constructor() {
    const base = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' } });
    const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
    super(client, 'idempotency-test');
    client.send = ((command: unknown) => this.handle(command)) as never;
  }

  /** The stored records. */
  records(): Item[] {
    return [...this.items.values()];
  }

  private async handle(command: unknown): Promise<unknown> {
    if (command instanceof PutCommand) {
      const { Item, ExpressionAttributeNames, ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure } = command.input;
      const key = id(Item!);
      const old = this.items.get(key);
      if (old && !this.replaceable(old, ExpressionAttributeNames!, ExpressionAttributeValues!)) {
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
          ...(ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? { Item: marshall(old) } : {}),
        });
      }
      this.items.set(key, stored(Item!));
      return {};
    }
    if (command instanceof GetCommand) return { Item: this.items.get(id(command.input.Key!)) };
    if (command instanceof UpdateCommand) {
      const { Key, UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues } = command.input;
      const item = { ...this.items.get(id(Key!)), ...Key };
      for (const assignment of UpdateExpression!.replace(/^SET /, '').split(', ')) {
        const [name, value] = assignment.split(' = ') as [string, string];
        item[ExpressionAttributeNames![name]!] = ExpressionAttributeValues![value];
      }
      this.items.set(id(Key!), stored(item));
      return {};
    }
    if (command instanceof DeleteCommand) {
      const old = this.items.get(id(command.input.Key!));
      this.items.delete(id(command.input.Key!));
      return { Attributes: old };
    }
    throw new Error(`unexpected ${(command as object).constructor.name}`);
  }

  /** Powertools' condition: no record, an expired one, or an in-progress one whose lock expired. */
  private replaceable(old: Item, names: Record<string, string>, values: Record<string, unknown>): boolean {
    if ((old[names['#expiry']!] as number) < (values[':now'] as number)) return true;
    const lock = old[names['#in_progress_expiry']!] as number | undefined;
    return old[names['#status']!] === values[':inprogress'] && lock !== undefined && lock < (values[':now_in_millis'] as number);
  }
}
