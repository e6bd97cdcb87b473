import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { takenMessages, ValidationFailed } from '../domain/errors';
import type { UserStore } from '../domain/ports';
import type { PublicUser, UserRecord } from '../domain/users';
import { failedConditions } from './cancellation';
import { emailGuardKey, toEmailGuardItem } from './items/email-guard';
import { toUserItem } from './items/user';
import { toSkeletonGuardItem, toUsernameGuardItem, userRecordOf, usernameGuardKey } from './items/username-guard';
import { publicUserOf } from './items/user';
import type { Table } from './table';

export class DynamoUserStore implements UserStore {
  constructor(private readonly table: Table) {}

  /** One transaction: the profile and the three guards, each only if absent. */
  async create(user: UserRecord, skeleton: string): Promise<void> {
    const absent = 'attribute_not_exists(pk)';
    const TableName = this.table.name;
    try {
      await this.table.transact([
        { Put: { TableName, Item: toUserItem(user), ConditionExpression: absent } },
        {
          Put: { TableName, Item: toUsernameGuardItem(user), ConditionExpression: absent, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
        },
        { Put: { TableName, Item: toEmailGuardItem(user), ConditionExpression: absent } },
        { Put: { TableName, Item: toSkeletonGuardItem(user, skeleton), ConditionExpression: absent } },
      ]);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // A retry of this sign-up, applied before its answer was lost, finds its own user.
      const failures = failedConditions(error) ?? [];
      if (failures.some((failure) => failure.index === 1 && failure.existing?.id === user.id)) return;
      const failed = (index: number) => failures.some((failure) => failure.index === index);
      const fields: Record<string, string[]> = {};
      if (failed(1)) fields.username = [takenMessages.username];
      else if (failed(3)) fields.username = [takenMessages.similarUsername];
      if (failed(2)) fields.email = [takenMessages.email];
      if (Object.keys(fields).length === 0) throw error;
      throw new ValidationFailed(fields);
    }
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const item = await this.table.get(usernameGuardKey(username));
    return item ? userRecordOf(item) : undefined;
  }

  /** One consistent BatchGetItem of the email guards. */
  async findByEmails(emails: readonly string[]): Promise<Map<string, PublicUser>> {
    const unique = [...new Set(emails.map((email) => email.toLowerCase()))];
    const items = await this.table.batchGet(unique.map(emailGuardKey));
    return new Map(items.map((item) => [String(item.email), publicUserOf(item)]));
  }
}
