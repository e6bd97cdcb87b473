import { ConcurrentModification } from '../domain/errors';
import type { CalendarFeedStore } from '../domain/ports';
import type { PublicUser } from '../domain/users';
import { failedConditions } from './cancellation';
import { backOff } from './retry';
import { feedKey, feedOwnerOf, feedPointerKey, pointedHashOf, toFeedItem, toFeedPointerItem } from './items/calendar-feed';
import type { Table, TransactItem } from './table';

/**
 * Rounds of read-then-write before a write that keeps losing to concurrent ones gives up
 * (409): each round one of them wins, and the losers wait a jittered while, so a burst of
 * a dozen replacements by one owner all succeed.
 */
const ROUNDS = 12;

export class DynamoCalendarFeedStore implements CalendarFeedStore {
  constructor(private readonly table: Table) {}

  async ownerOf(secretHash: string): Promise<PublicUser | undefined> {
    const item = await this.table.get(feedKey(secretHash));
    return item ? feedOwnerOf(item) : undefined;
  }

  /**
   * Reads the owner's pointer, then one transaction: the pointer set to the new hash only
   * if it still names the hash read, the old feed deleted, the new one put. A concurrent
   * replacement makes the condition fail: read again and retry.
   */
  async replace(owner: PublicUser, secretHash: string, now: Date): Promise<void> {
    const TableName = this.table.name;
    const created = now.toISOString();
    await this.whilePointerMoves(
      async (current) => {
        await this.table.transact([
          {
            Put: { TableName, Item: toFeedPointerItem(owner, secretHash, created), ...pointerStill(current) },
          },
          ...(current !== undefined ? [{ Delete: { TableName, Key: feedKey(current) } }] : []),
          { Put: { TableName, Item: toFeedItem(owner, secretHash, created), ConditionExpression: 'attribute_not_exists(pk)' } },
        ]);
      },
      owner.id,
      secretHash,
    );
  }

  /** Reads the owner's pointer, then deletes it (only if it still names the hash read) and its feed in one transaction. */
  async revoke(ownerId: string): Promise<void> {
    const TableName = this.table.name;
    await this.whilePointerMoves(async (current) => {
      if (current === undefined) return;
      const items: TransactItem[] = [
        { Delete: { TableName, Key: feedPointerKey(ownerId), ...pointerStill(current) } },
        { Delete: { TableName, Key: feedKey(current) } },
      ];
      await this.table.transact(items);
    }, ownerId);
  }

  /**
   * Runs `write` with the hash the owner's pointer names now, again while a concurrent
   * write moved the pointer in between. A retried write that had been applied (its answer
   * lost) finds the pointer already at `target`: that is success.
   */
  private async whilePointerMoves(write: (current: string | undefined) => Promise<void>, ownerId: string, target?: string) {
    for (let round = 1; ; round++) {
      const pointer = await this.table.get(feedPointerKey(ownerId));
      const current = pointer ? pointedHashOf(pointer) : undefined;
      try {
        return await write(current);
      } catch (error) {
        const failures = failedConditions(error);
        if (!failures) throw error;
        const now = failures.find((failure) => failure.index === 0)?.existing;
        if (target !== undefined && now && pointedHashOf(now) === target) return;
        if (round >= ROUNDS) throw new ConcurrentModification();
        await backOff(round);
      }
    }
  }
}

/** The condition that the owner's pointer still names `current` (or, for none, that there is none). */
function pointerStill(current: string | undefined) {
  return {
    ConditionExpression: current === undefined ? 'attribute_not_exists(pk)' : 'secretHash = :current',
    ...(current !== undefined ? { ExpressionAttributeValues: { ':current': current } } : {}),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}
