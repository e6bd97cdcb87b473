import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationFailed } from '../domain/errors';
import type { UserStore } from '../domain/ports';
import type { PublicUser, UserRecord } from '../domain/users';
import { failedConditions } from './cancellation';
import { keys } from './keys';
import { withRetries } from './retry';

export const usernameTaken = 'A user with that username already exists.';
export const emailTaken = 'user with this email already exists.';

export class DynamoUserStore implements UserStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One transaction: the profile and both guards, each only if absent. */
  async create(user: UserRecord): Promise<void> {
    const absent = 'attribute_not_exists(pk)';
    const command = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: this.tableName, Item: { ...keys.user(user.id), type: 'user', ...user }, ConditionExpression: absent } },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.username(user.username), type: 'usernameGuard', ...user },
            ConditionExpression: absent,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.email(user.email), type: 'emailGuard', id: user.id, username: user.username, email: user.email },
            ConditionExpression: absent,
          },
        },
      ],
    });
    try {
      await withRetries(() => this.client.send(command));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // A retry of this sign-up, applied before its answer was lost, finds its own user.
      const failures = failedConditions(error) ?? [];
      if (failures.some((failure) => failure.index === 1 && failure.existing?.id === user.id)) return;
      const failed = (index: number) => error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
      const fields: Record<string, string[]> = {};
      if (failed(1)) fields.username = [usernameTaken];
      if (failed(2)) fields.email = [emailTaken];
      if (Object.keys(fields).length === 0) throw error;
      throw new ValidationFailed(fields);
    }
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.username(username), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      id: Item.id,
      username: Item.username,
      email: Item.email,
      passwordHash: Item.passwordHash,
      created: Item.created,
    };
  }

  /** One consistent BatchGetItem of the email guards (re-asked for unprocessed keys). */
  async findByEmails(emails: readonly string[]): Promise<Map<string, PublicUser>> {
    const found = new Map<string, PublicUser>();
    let pending: Record<string, unknown>[] = [...new Set(emails.map((email) => email.toLowerCase()))].map((email) => ({ ...keys.email(email) }));
    while (pending.length > 0) {
      const batch = pending.slice(0, 100);
      pending = pending.slice(100);
      const result = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: batch, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        found.set(String(item.email), { id: String(item.id), username: String(item.username), email: String(item.email) });
      }
      pending.push(...(result.UnprocessedKeys?.[this.tableName]?.Keys ?? []));
    }
    return found;
  }
}
