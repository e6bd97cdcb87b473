/**
 * An in-memory stand-in for the service table as Powertools' idempotency persistence uses
 * it (PutItem with its condition, GetItem, UpdateItem SET, DeleteItem), behind a real SDK
 * client whose `send` it answers.
 */
import { ConditionalCheckFailedException, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

type Item = Record<string, AttributeValue>;
interface Input {
  Key?: Item;
  Item?: Item;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  UpdateExpression?: string;
}

export class IdempotencyTable {
  readonly items = new Map<string, Item>();
  readonly client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' } });

  constructor() {
    this.client.send = ((command: { constructor: { name: string }; input: Input }) =>
      this.handle(command.constructor.name, command.input)) as never;
  }

  /** The stored records, unmarshalled. */
  records(): Record<string, unknown>[] {
    return [...this.items.values()].map((item) => unmarshall(item));
  }

  private async handle(command: string, input: Input): Promise<unknown> {
    const id = (key: Item) => JSON.stringify(unmarshall(key));
    switch (command) {
      case 'PutItemCommand': {
        const item = input.Item!;
        const key = id({ pk: item.pk!, sk: item.sk! });
        const old = this.items.get(key);
        if (old && !this.replaceable(unmarshall(old), input)) {
          throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: old });
        }
        this.items.set(key, item);
        return {};
      }
      case 'GetItemCommand':
        return { Item: this.items.get(id(input.Key!)) };
      case 'UpdateItemCommand': {
        const key = id(input.Key!);
        const item = { ...this.items.get(key), ...input.Key };
        for (const assignment of input.UpdateExpression!.replace(/^SET /, '').split(', ')) {
          const [name, value] = assignment.split(' = ') as [string, string];
          item[input.ExpressionAttributeNames![name]!] = input.ExpressionAttributeValues![value]!;
        }
        this.items.set(key, item);
        return {};
      }
      case 'DeleteItemCommand':
        this.items.delete(id(input.Key!));
        return {};
      default:
        throw new Error(`unexpected ${command}`);
    }
  }

  /** Powertools' condition: no record, an expired one, or an in-progress one whose lock expired. */
  private replaceable(old: Record<string, unknown>, input: Input): boolean {
    const names = input.ExpressionAttributeNames!;
    const values = unmarshall(input.ExpressionAttributeValues!);
    if ((old[names['#expiry']!] as number) < values[':now']) return true;
    const lock = old[names['#in_progress_expiry']!] as number | undefined;
    return old[names['#status']!] === values[':inprogress'] && lock !== undefined && lock < values[':now_in_millis'];
  }
}
