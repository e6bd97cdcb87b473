/**
 * Bounded, jittered retries of writes that failed for transient reasons: a transaction
 * cancelled only by conflicts with other transactions, throttling that outlasted the
 * client's own retries, or a timeout or dropped connection (after which the write may or may
 * not have been applied: every write retried here is built to recognise its own earlier
 * success). A write that still fails is answered as TemporarilyUnavailable; DynamoDB
 * transactions are all-or-nothing, so nothing is half-written either way.
 */
import { TemporarilyUnavailable } from '../domain/errors';
import { isRetryable } from './aws-json';

/** A transaction DynamoDB cancelled, with the reason of each of its items. */
export interface CancelledTransaction extends Error {
  name: 'TransactionCanceledException';
  CancellationReasons?: Array<{ Code?: string; Item?: Record<string, unknown> }>;
}

export const isCancelledTransaction = (error: unknown): error is CancelledTransaction =>
  error instanceof Error && error.name === 'TransactionCanceledException';

/** A single write whose condition failed; `Item` (raw attribute values) when asked for. */
export const isFailedCondition = (error: unknown): error is Error & { Item?: Record<string, unknown> } =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Transient by name beyond what the client itself retries (which `isRetryable` tells). */
const alsoTransient = new Set(['TransactionConflictException', 'InternalServerError', 'ServiceUnavailable']);

export function isTransient(error: unknown): boolean {
  if (isCancelledTransaction(error)) {
    const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
    const conflicted = codes.some(
      (code) => code === 'TransactionConflict' || code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded',
    );
    return conflicted && !codes.includes('ConditionalCheckFailed');
  }
  if (isRetryable(error)) return true;
  return typeof error === 'object' && error !== null && alsoTransient.has((error as { name?: string }).name ?? '');
}

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Called before each retry. */
  onRetry?: () => void;
}

export const defaultRetry: RetryOptions = { attempts: 5, baseDelayMs: 20, maxDelayMs: 400 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `write`, retrying transient failures with full-jitter exponential backoff. */
export async function withRetries<T>(write: () => Promise<T>, options: RetryOptions = defaultRetry): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt >= options.attempts) throw new TemporarilyUnavailable({ cause: error });
      options.onRetry?.();
      await backOff(attempt, options);
    }
  }
}

/** Waits before retry number `attempt` (from 1): full jitter under an exponential ceiling. */
export function backOff(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'> = defaultRetry): Promise<unknown> {
  return sleep(Math.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)));
}
