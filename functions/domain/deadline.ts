/**
 * A request's deadline, carried along its asynchronous work (AsyncLocalStorage), so that
 * the storage calls made for it know how much time is left without being told: the HTTP
 * chain sets it, the DynamoDB client reads it (`store/client.ts`). The same context
 * tallies the request's storage calls and the time spent waiting for them, which the
 * access log reports. Outside a request (tools, the event workers) there is none.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface RequestContext {
  /** The deadline, epoch ms. */
  at: number;
  /** Storage calls made so far, and the milliseconds they took, summed. */
  storage: StorageTally;
}

export interface StorageTally {
  calls: number;
  ms: number;
}

const requests = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with a deadline at `at` (epoch ms) and a fresh storage tally. */
export function withDeadline<T>(at: number, work: () => T): T {
  return requests.run({ at, storage: { calls: 0, ms: 0 } }, work);
}

/** Milliseconds left before the current request's deadline; undefined outside a request. */
export function remainingMs(): number | undefined {
  const context = requests.getStore();
  return context === undefined ? undefined : context.at - Date.now();
}

/** Counts a storage call of the current request that took `ms` (nothing outside a request). */
export function countStorageCall(ms: number): void {
  const tally = requests.getStore()?.storage;
  if (!tally) return;
  tally.calls += 1;
  tally.ms += ms;
}

/** The current request's storage calls so far; undefined outside a request. */
export function storageTally(): StorageTally | undefined {
  return requests.getStore()?.storage;
}
