import type { AttemptBudget, CredentialGrant, CredentialStore, StoredSession, StoredToken } from '../domain/ports';
import { failedConditions } from './cancellation';
import { attemptUpdate } from './items/attempts';
import {
  CREDENTIAL_POINTER_PREFIX,
  type CredentialPointer,
  credentialItems,
  credentialPointerKey,
  pointerOf,
  sessionKey,
  sessionOf,
  tokenKey,
  tokenOf,
} from './items/credentials';
import type { Key } from './items/item';
import { userKey } from './items/user';
import { type Table, TRANSACTION_MAX_ITEMS } from './table';

export class DynamoCredentialStore implements CredentialStore {
  constructor(private readonly table: Table) {}

  /**
   * One transaction: token, session, the user's pointers to both, any refunds, and the
   * revocation (credential and pointer) of the user's oldest tokens and sessions beyond
   * `keepAtMost`, read first with the user's pointers.
   */
  async save(
    grant: CredentialGrant,
    options: { refund?: { budgets: readonly AttemptBudget[]; now: Date }; keepAtMost: number; now: Date },
  ): Promise<void> {
    const TableName = this.table.name;
    const now = Math.floor(options.now.getTime() / 1000);
    const live = (await this.pointers(grant.user.id)).filter((pointer) => pointer.expiresAt > now);
    const oldest = (['TOKEN', 'SESSION'] as const).flatMap((kind) => {
      const ofKind = live.filter((pointer) => pointer.kind === kind).sort((a, b) => a.created.localeCompare(b.created));
      return ofKind.slice(0, Math.max(0, ofKind.length - options.keepAtMost + 1));
    });
    await this.table.transact([
      ...credentialItems(grant).map((Item) => ({ Put: { TableName, Item } })),
      ...(options.refund?.budgets ?? []).map((budget) => ({ Update: attemptUpdate(TableName, budget, options.refund!.now, 'refund') })),
      ...oldest.flatMap((pointer) => [pointer.target, pointer.key]).map((Key) => ({ Delete: { TableName, Key } })),
    ]);
  }

  // Consistent reads: a credential revoked by logout must be refused at once.
  async findToken(tokenHash: string): Promise<StoredToken | undefined> {
    const item = await this.table.get(tokenKey(tokenHash));
    return item ? tokenOf(item) : undefined;
  }

  /** The token and its pointer, extended together, only while the token exists. */
  async renewToken(tokenHash: string, userId: string, expiresAt: number): Promise<void> {
    const TableName = this.table.name;
    const extend = (Key: Key) => ({
      Update: {
        TableName,
        Key,
        UpdateExpression: 'SET expiresAt = :expiresAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':expiresAt': expiresAt },
      },
    });
    try {
      await this.table.transact([extend(tokenKey(tokenHash)), extend(credentialPointerKey(userId, 'TOKEN', tokenHash))]);
    } catch (error) {
      // Revoked meanwhile (logout, or the cap): it stays revoked and this use was its last.
      if (!failedConditions(error)) throw error;
    }
  }

  async findSession(sessionHash: string): Promise<StoredSession | undefined> {
    const item = await this.table.get(sessionKey(sessionHash));
    return item ? sessionOf(item) : undefined;
  }

  /** Deletes every credential the user's pointers name, and the pointers. */
  async revokeAll(userId: string): Promise<void> {
    const pointers = await this.pointers(userId);
    const targets = pointers.map((pointer) => pointer.target);
    const keys = pointers.map((pointer) => pointer.key);
    if (targets.length === 0) return;
    // Usually all of it fits one transaction: one round trip, all or nothing.
    if (targets.length + keys.length <= TRANSACTION_MAX_ITEMS) {
      await this.table.transact([...targets, ...keys].map((Key) => ({ Delete: { TableName: this.table.name, Key } })));
      return;
    }
    // Otherwise in batches, every credential before any pointer: an interrupted logout
    // leaves pointers behind, never a live credential that logout could no longer find.
    await this.table.batchDelete(targets);
    await this.table.batchDelete(keys);
  }

  /** The user's pointers to their tokens and sessions (one consistent Query). */
  private async pointers(userId: string): Promise<CredentialPointer[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userKey(userId).pk, ':prefix': CREDENTIAL_POINTER_PREFIX },
      ConsistentRead: true,
    });
    return items.map(pointerOf);
  }
}
