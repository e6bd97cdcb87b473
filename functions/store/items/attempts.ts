/**
 * Attempts spent on one budget (a username's logins, an address's sign-ups) in one fixed
 * window: `ATTEMPTS#<budget key>` / `WINDOW#<window start>`, removed by TTL a minute
 * after the window.
 */
import type { AttemptBudget } from '../../domain/ports';
import type { Key } from './item';

export const attemptsKey = (budgetKey: string, windowStart: number): Key => ({ pk: `ATTEMPTS#${budgetKey}`, sk: `WINDOW#${windowStart}` });

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
    Key: attemptsKey(budget.key, window.start),
    UpdateExpression: 'ADD attempts :delta SET #type = :type, expiresAt = :expiresAt',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: {
      ':delta': delta,
      ':type': 'attempts',
      ':expiresAt': window.end + 60,
      ...(delta > 0 ? { ':limit': budget.limit } : {}),
    },
    ...(delta > 0 ? { ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :limit' } : {}),
  };
}
