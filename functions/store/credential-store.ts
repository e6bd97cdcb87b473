import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AttemptBudget, CredentialGrant, CredentialStore, StoredSession } from '../domain/ports';
import type { PublicUser } from '../domain/users';
import { type Key, keys } from './keys';
import { attemptUpdate } from './limiter-store';
import { withRetries } from './retry';

const BATCH_WRITE_MAX = 25;
const TRANSACTION_MAX_ITEMS = 100;

function userOf(item: Record<string, unknown>): PublicUser {
  return { id: String(item.userId), username: String(item.username), email: String(item.email) };
}

export class DynamoCredentialStore implements CredentialStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One transaction: token, session, the user's pointers to both, and any refunds. */
  async save(grant: CredentialGrant, refund?: { budgets: readonly AttemptBudget[]; now: Date }): Promise<void> {
    const owner = { userId: grant.user.id, username: grant.user.username, email: grant.user.email };
    const put = (Item: Record<string, unknown>) => ({ Put: { TableName: this.tableName, Item } });
    await withRetries(() =>
      this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            put({ ...keys.token(grant.tokenHash), type: 'token', ...owner }),
            put({
              ...keys.session(grant.sessionHash),
              type: 'session',
              ...owner,
              csrfHash: grant.csrfHash,
              sealedToken: grant.sealedToken,
              expiresAt: grant.sessionExpiresAt,
            }),
            put({ ...keys.credentialPointer(grant.user.id, 'TOKEN', grant.tokenHash), type: 'credentialPointer', target: keys.token(grant.tokenHash) }),
            put({
              ...keys.credentialPointer(grant.user.id, 'SESSION', grant.sessionHash),
              type: 'credentialPointer',
              target: keys.session(grant.sessionHash),
              expiresAt: grant.sessionExpiresAt,
            }),
            ...(refund?.budgets ?? []).map((budget) => ({ Update: attemptUpdate(this.tableName, budget, refund!.now, -1) })),
          ],
        }),
      ),
    );
  }

  // Consistent reads: a credential revoked by logout must be refused at once.
  async findToken(tokenHash: string): Promise<PublicUser | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.token(tokenHash), ConsistentRead: true }),
    );
    return Item ? userOf(Item) : undefined;
  }

  async findSession(sessionHash: string): Promise<StoredSession | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.session(sessionHash), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return { user: userOf(Item), csrfHash: Item.csrfHash, sealedToken: Item.sealedToken, expiresAt: Number(Item.expiresAt) };
  }

  /** Deletes every credential the user's pointers name, and the pointers. */
  async revokeAll(userId: string): Promise<void> {
    const targets: Key[] = [];
    const pointers: Key[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.user(userId).pk, ':prefix': keys.credentialPointerPrefix },
          ProjectionExpression: 'pk, sk, target',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        targets.push(item.target as Key);
        pointers.push({ pk: item.pk, sk: item.sk });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);

    // Usually all of it fits one transaction: one round trip, all or nothing.
    if (targets.length + pointers.length <= TRANSACTION_MAX_ITEMS) {
      if (targets.length === 0) return;
      const deletes = [...targets, ...pointers].map((Key) => ({ Delete: { TableName: this.tableName, Key } }));
      await withRetries(() => this.client.send(new TransactWriteCommand({ TransactItems: deletes })));
      return;
    }
    // Otherwise in batches, every credential before any pointer: an interrupted logout
    // leaves pointers behind, never a live credential that logout could no longer find.
    for (const keysToDelete of [targets, pointers]) {
      for (let start = 0; start < keysToDelete.length; start += BATCH_WRITE_MAX) {
        await this.deleteBatch(keysToDelete.slice(start, start + BATCH_WRITE_MAX));
      }
    }
  }

  private async deleteBatch(batch: Key[]): Promise<void> {
    let requests = batch.map((Key) => ({ DeleteRequest: { Key } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await withRetries(() =>
        this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } })),
      );
      requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }
}
