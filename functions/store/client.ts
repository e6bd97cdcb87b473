/**
 * The DynamoDB clients of a container: built once by the composition root, with the
 * timeouts and retries every store relies on, and two guards for a stalled engine:
 * - a call made for a request ends by the request's deadline (`domain/deadline.ts`),
 *   SDK retries included: past it the call fails with DeadlineExceeded (503), whatever
 *   the engine does;
 * - at most `maxInFlight` calls wait on the engine at once in this process; a call beyond
 *   them fails at once with Overloaded (503) instead of queueing behind a stall.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countStorageCall, remainingMs } from '../domain/deadline';
import { DeadlineExceeded, Overloaded } from '../domain/errors';

export interface ClientOptions {
  /** Endpoint override, for DynamoDB Local. @default the region's endpoint */
  endpoint?: string;
  /** Calls waiting on the engine at once, at most. @default 64 */
  maxInFlight?: number;
  /** Told about every call ended by its request's deadline (for the logs). @default nothing */
  onDeadline?(operation: string, elapsedMs: number): void;
}

export interface DynamoDbClients {
  /** The low-level client (for libraries that want one, and for instrumentation). */
  base: DynamoDBClient;
  document: DynamoDBDocumentClient;
}

export function createClients(options: ClientOptions = {}): DynamoDbClients {
  const base = new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // The SDK retries throttling and 5xx itself; a few attempts keep tail latency bounded.
    maxAttempts: 3,
    // A call that outlasts its timeout fails (and is retried or answered 503) instead of
    // hanging on with a warning.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  guardCalls(base, options.maxInFlight ?? 64, options.onDeadline);
  const document = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  return { base, document };
}

/** Adds the deadline and the in-flight bound around every command of the client. */
function guardCalls(client: DynamoDBClient, maxInFlight: number, onDeadline: ClientOptions['onDeadline']): void {
  let inFlight = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = context.commandName ?? 'DynamoDB';
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
      // (A middleware below may throw before it returns a promise: that too ends the call.)
      const call = (async () => next(args))().finally(() => {
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
    },
    { step: 'initialize', name: 'requestDeadline', priority: 'high' },
  );
}
