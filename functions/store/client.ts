/**
 * The DynamoDB client of a container: built once by the composition root, with the
 * timeouts and retries every store relies on, and two guards for a stalled engine:
 * - a call made for a request ends by the request's deadline (`domain/deadline.ts`),
 *   the client's retries included: past it the call fails with DeadlineExceeded (503), whatever
 *   the engine does;
 * - at most `maxInFlight` calls wait on the engine at once in this process; a call beyond
 *   them fails at once with Overloaded (503) instead of queueing behind a stall.
 */
import { countStorageCall, remainingMs } from '../domain/deadline';
import { DeadlineExceeded, Overloaded } from '../domain/errors';
import { DynamoDb, type Interceptor } from './dynamodb';

export interface ClientOptions {
  /** Endpoint override, for DynamoDB Local. @default the region's endpoint */
  endpoint?: string;
  /** Calls waiting on the engine at once, at most. @default 64 */
  maxInFlight?: number;
  /** Told about every call ended by its request's deadline (for the logs). @default nothing */
  onDeadline?(operation: string, elapsedMs: number): void;
}

export function createClient(options: ClientOptions = {}): DynamoDb {
  const client = new DynamoDb({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // Throttling and 5xx are retried by the client itself; a few attempts keep tail latency bounded.
    maxAttempts: 3,
    // A call that outlasts its timeout fails (and is retried or answered 503) instead of hanging on.
    connectTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
  });
  client.use(guardCalls(options.maxInFlight ?? 64, options.onDeadline));
  return client;
}

/** The deadline and the in-flight bound around every call of the client. */
function guardCalls(maxInFlight: number, onDeadline: ClientOptions['onDeadline']): Interceptor {
  let inFlight = 0;
  return async (request, next) => {
    const { operation } = request;
    const left = remainingMs();
    if (left !== undefined && left <= 0) throw new DeadlineExceeded(operation, 0);
    if (inFlight >= maxInFlight) throw new Overloaded();
    inFlight += 1;
    const started = Date.now();
    // The request's tally counts a call once: when it answers, or when the deadline gives up on it.
    let counted = false;
    const tally = () => {
      if (counted) return;
      counted = true;
      countStorageCall(Date.now() - started);
    };
    // The bound counts calls until the engine answers them, even those a deadline gave up on.
    // (An interceptor below may throw before it returns a promise: that too ends the call.)
    const call = (async () => next(request))().finally(() => {
      inFlight -= 1;
      tally();
    });
    if (left === undefined) return call;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        tally();
        onDeadline?.(operation, Date.now() - started);
        reject(new DeadlineExceeded(operation, Date.now() - started));
      }, left);
    });
    call.catch(() => undefined);
    try {
      return await Promise.race([call, expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
