/**
 * Reading a cancelled transaction: which of its items failed their condition, and the
 * item that made them fail (returned through ReturnValuesOnConditionCheckFailure: ALL_OLD,
 * in raw attribute-value form even through the document client).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isCancelledTransaction } from './retry';

export interface FailedCondition {
  index: number;
  existing: Record<string, unknown> | undefined;
}

/** The conditions that failed, in transaction order; undefined for any other error. */
export function failedConditions(error: unknown): FailedCondition[] | undefined {
  if (!isCancelledTransaction(error)) return undefined;
  const failures: FailedCondition[] = [];
  (error.CancellationReasons ?? []).forEach((reason, index) => {
    if (reason.Code !== 'ConditionalCheckFailed') return;
    failures.push({ index, existing: reason.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined });
  });
  return failures.length > 0 ? failures : undefined;
}
