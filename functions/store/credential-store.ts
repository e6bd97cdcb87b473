import type { AttemptBudget, CredentialGrant, CredentialStore, StoredSession } from '../domain/ports';
import type { PublicUser } from '../domain/users';
import { attemptUpdate } from './items/attempts';
import { CREDENTIAL_POINTER_PREFIX, credentialItems, sessionKey, sessionOf, tokenKey, tokenOwnerOf } from './items/credentials';
import type { Key } from './items/item';
import { userKey } from './items/user';
import { type Table, TRANSACTION_MAX_ITEMS } from './table';

export class DynamoCredentialStore implements CredentialStore {
  constructor(private readonly table: Table) {}

  /** One transaction: token, session, the user's pointers to both, and any refunds. */
  async save(grant: CredentialGrant, refund?: { budgets: readonly AttemptBudget[]; now: Date }): Promise<void> {
    const TableName = this.table.name;
    await this.table.transact([
      ...credentialItems(grant).map((Item) => ({ Put: { TableName, Item } })),
      ...(refund?.budgets ?? []).map((budget) => ({ Update: attemptUpdate(TableName, budget, refund!.now, 'refund') })),
    ]);
  }

  // Consistent reads: a credential revoked by logout must be refused at once.
  async findToken(tokenHash: string): Promise<PublicUser | undefined> {
    const item = await this.table.get(tokenKey(tokenHash));
    return item ? tokenOwnerOf(item) : undefined;
  }

  async findSession(sessionHash: string): Promise<StoredSession | undefined> {
    const item = await this.table.get(sessionKey(sessionHash));
    return item ? sessionOf(item) : undefined;
  }

  /** Deletes every credential the user's pointers name, and the pointers. */
  async revokeAll(userId: string): Promise<void> {
    const pointerItems = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userKey(userId).pk, ':prefix': CREDENTIAL_POINTER_PREFIX },
      ProjectionExpression: 'pk, sk, target',
      ConsistentRead: true,
    });
    const targets = pointerItems.map((item) => item.target as Key);
    const pointers = pointerItems.map((item): Key => ({ pk: item.pk, sk: item.sk }));
    if (targets.length === 0) return;
    // Usually all of it fits one transaction: one round trip, all or nothing.
    if (targets.length + pointers.length <= TRANSACTION_MAX_ITEMS) {
      await this.table.transact([...targets, ...pointers].map((Key) => ({ Delete: { TableName: this.table.name, Key } })));
      return;
    }
    // Otherwise in batches, every credential before any pointer: an interrupted logout
    // leaves pointers behind, never a live credential that logout could no longer find.
    await this.table.batchDelete(targets);
    await this.table.batchDelete(pointers);
  }
}
