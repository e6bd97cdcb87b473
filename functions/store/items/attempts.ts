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

/**
 * The Update of a budget's counter: `spend` one attempt only while under the limit,
 * `refund` one, or `record` one whatever the limit.
 */
export function attemptUpdate(tableName: string, budget: AttemptBudget, now: Date, change: 'spend' | 'refund' | 'record') {
  const window = windowOf(budget, now);
  const limited = change === 'spend';
  const cost = budget.cost ?? 1;
  return {
    TableName: tableName,
    Key: attemptsKey(budget.key, window.start),
    UpdateExpression: 'ADD attempts :delta SET #type = :type, expiresAt = :expiresAt',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: {
      ':delta': change === 'refund' ? -cost : cost,
      ':type': 'attempts',
      ...(limited ? { ':zero': 0 } : {}),
      ':expiresAt': window.end + 60,
      // Spent only if all `cost` attempts fit under the limit.
      ...(limited ? { ':room': budget.limit - cost } : {}),
    },
    ...(limited ? { ConditionExpression: '(attribute_not_exists(attempts) AND :room >= :zero) OR attempts <= :room' } : {}),
  };
}
