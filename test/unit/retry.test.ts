import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TemporarilyUnavailable } from '../../functions/domain/errors';
import { isTransient, withRetries } from '../../functions/store/retry';
import { expectRejection } from './expect-error';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
const named = (name: string) => Object.assign(new Error(name), { name });
const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

describe('transient failures', () => {
  it('retries a transaction cancelled only by conflicts or throttling', () => {
    expect(isTransient(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isTransient(cancelled('ThrottlingError', 'None'))).toBe(true);
    expect(isTransient(named('ThrottlingException'))).toBe(true);
    expect(isTransient(named('ProvisionedThroughputExceededException'))).toBe(true);
  });

  it('never retries a failed condition, whatever else happened', () => {
    expect(isTransient(cancelled('TransactionConflict', 'ConditionalCheckFailed'))).toBe(false);
    expect(isTransient(cancelled('ConditionalCheckFailed'))).toBe(false);
    expect(isTransient(named('ValidationException'))).toBe(false);
  });

  it('succeeds after transient failures', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls += 1;
      if (calls < 3) throw cancelled('TransactionConflict');
      return 'written';
    }, fast);
    expect({ result, calls }).toEqual({ result: 'written', calls: 3 });
  });

  it('gives up after the bounded attempts as TemporarilyUnavailable', async () => {
    let calls = 0;
    await expectRejection(
      withRetries(async () => {
        calls += 1;
        throw named('ThrottlingException');
      }, fast),
      TemporarilyUnavailable,
      'The service is busy; nothing was changed. Retry shortly.',
    );
    expect(calls).toBe(3);
  });

  it('passes other errors through at once', async () => {
    let calls = 0;
    const failure = cancelled('ConditionalCheckFailed');
    await expect(
      withRetries(async () => {
        calls += 1;
        throw failure;
      }, fast),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });
});
