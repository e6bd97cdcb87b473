import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptBudget, AttemptLimiter } from '../domain/ports';
import { failedConditions } from './cancellation';
import { keys } from './keys';
import { withRetries } from './retry';

/** The fixed window `now` falls in, in epoch seconds. */
export function windowOf(budget: AttemptBudget, now: Date): { start: number; end: number } {
  const seconds = Math.floor(now.getTime() / 1000);
  const start = seconds - (seconds % budget.windowSeconds);
  return { start, end: start + budget.windowSeconds };
}

/** The Update that spends (or, with `-1`, refunds) one attempt of a budget. */
export function attemptUpdate(tableName: string, budget: AttemptBudget, now: Date, delta: 1 | -1) {
  const window = windowOf(budget, now);
  return {
    TableName: tableName,
    Key: keys.attempts(budget.key, window.start),
    UpdateExpression: 'ADD attempts :delta SET #type = :type, expiresAt = :expiresAt',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: {
      ':delta': delta,
      ':type': 'attempts',
      // Kept a minute past the window, then removed by TTL.
      ':expiresAt': window.end + 60,
      ...(delta > 0 ? { ':limit': budget.limit } : {}),
    },
    ...(delta > 0 ? { ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :limit' } : {}),
  };
}

/**
 * Attempt budgets as counters, one item per budget and window, spent with a conditional
 * ADD: concurrent attempts can never spend more than the limit.
 */
export class DynamoAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async spend(budgets: readonly AttemptBudget[], now: Date): Promise<number | undefined> {
    const retryAfter = (budget: AttemptBudget) => Math.max(1, windowOf(budget, now).end - Math.floor(now.getTime() / 1000));
    if (budgets.length === 0) return undefined;
    if (budgets.length === 1) {
      try {
        await withRetries(() => this.client.send(new UpdateCommand(attemptUpdate(this.tableName, budgets[0]!, now, 1))));
        return undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return retryAfter(budgets[0]!);
        throw error;
      }
    }
    try {
      await withRetries(() =>
        this.client.send(
          new TransactWriteCommand({ TransactItems: budgets.map((budget) => ({ Update: attemptUpdate(this.tableName, budget, now, 1) })) }),
        ),
      );
      return undefined;
    } catch (error) {
      const failures = failedConditions(error);
      if (!failures) throw error;
      return Math.max(...failures.map((failure) => retryAfter(budgets[failure.index]!)));
    }
  }
}
