import { countedSinceItem } from './items/meeting-counts';
import LRUMap from 'mnemonist/lru-map.js';
import { takenMessages, ValidationFailed } from '../domain/errors';
import type { UserStore } from '../domain/ports';
import type { PublicUser, UserRecord } from '../domain/users';
import { failedConditions } from './cancellation';
import { emailGuardKey, toEmailGuardItem } from './items/email-guard';
import { toUserItem } from './items/user';
import { toSkeletonGuardItem, toUsernameGuardItem, userRecordOf, usernameGuardKey } from './items/username-guard';
import { publicUserOf } from './items/user';
import type { Table } from './table';
import { isCancelledTransaction } from './retry';

/** How many users by email a store remembers (the least recently used are forgotten first). */
export const KNOWN_EMAILS = 5_000;

export class DynamoUserStore implements UserStore {
  /**
   * Users found by email. An email names one user for good (no route changes or frees
   * one), so a user found once needs no read again; an email that named no one is read
   * again next time, as its owner may have signed up since.
   */
  private readonly byEmail = new LRUMap<string, PublicUser>(KNOWN_EMAILS);

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
        // Counted from the start: a listing's count reads counters (`meeting-counts.ts`).
        { Put: { TableName, Item: countedSinceItem(user.id, user.created), ConditionExpression: absent } },
      ]);
    } catch (error) {
      if (!isCancelledTransaction(error)) throw error;
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

  /** The users remembered, and one consistent BatchGetItem of the others' email guards. */
  async findByEmails(emails: readonly string[]): Promise<Map<string, PublicUser>> {
    const found = new Map<string, PublicUser>();
    const unknown: string[] = [];
    for (const email of new Set(emails.map((email) => email.toLowerCase()))) {
      const user = this.byEmail.get(email);
      if (user) found.set(email, user);
      else unknown.push(email);
    }
    if (unknown.length === 0) return found;
    for (const item of await this.table.batchGet(unknown.map(emailGuardKey))) {
      const user = publicUserOf(item);
      const email = user.email.toLowerCase();
      this.byEmail.set(email, user);
      found.set(email, user);
    }
    return found;
  }
}
