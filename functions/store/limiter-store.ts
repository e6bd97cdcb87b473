import type { AttemptBudget, AttemptLimiter } from '../domain/ports';
import { failedConditions } from './cancellation';
import { attemptsKey, attemptUpdate, windowOf } from './items/attempts';
import type { Table } from './table';
import { isFailedCondition } from './retry';

/** Seconds until the window `now` falls in ends: when a spent budget has room again. */
export const secondsLeft = (budget: AttemptBudget, now: Date) => Math.max(1, windowOf(budget, now).end - Math.floor(now.getTime() / 1000));

/**
 * Attempt budgets as counters, one item per budget and window, spent with a conditional
 * ADD: concurrent attempts can never spend more than the limit.
 */
export class DynamoAttemptLimiter implements AttemptLimiter {
  constructor(private readonly table: Table) {}

  async spend(budgets: readonly AttemptBudget[], now: Date): Promise<number | undefined> {
    const retryAfter = (budget: AttemptBudget) => secondsLeft(budget, now);
    const [only] = budgets;
    if (!only) return undefined;
    if (budgets.length === 1) {
      try {
        const { TableName: _, ...update } = attemptUpdate(this.table.name, only, now, 'spend');
        await this.table.update(update);
        return undefined;
      } catch (error) {
        if (isFailedCondition(error)) return retryAfter(only);
        throw error;
      }
    }
    try {
      await this.table.transact(budgets.map((budget) => ({ Update: attemptUpdate(this.table.name, budget, now, 'spend') })));
      return undefined;
    } catch (error) {
      const exhausted = (failedConditions(error) ?? []).flatMap((failure) => budgets[failure.index] ?? []);
      if (exhausted.length === 0) throw error;
      return Math.max(...exhausted.map(retryAfter));
    }
  }

  async spent(budget: AttemptBudget, now: Date): Promise<number> {
    const item = await this.table.get(attemptsKey(budget.key, windowOf(budget, now).start));
    return Number(item?.attempts ?? 0);
  }

  async record(budget: AttemptBudget, now: Date): Promise<void> {
    const { TableName: _, ...update } = attemptUpdate(this.table.name, budget, now, 'record');
    await this.table.update(update);
  }
}
