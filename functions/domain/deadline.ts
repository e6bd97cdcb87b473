/**
 * A request's deadline, carried along its asynchronous work (AsyncLocalStorage), so that
 * the storage calls made for it know how much time is left without being told: the HTTP
 * chain sets it, the DynamoDB client reads it (`store/client.ts`). Outside a request
 * (tools, the event workers) there is none.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/** Runs `work` with a deadline at `at` (epoch ms). */
export function withDeadline<T>(at: number, work: () => T): T {
  return deadlines.run(at, work);
}

/** Milliseconds left before the current request's deadline; undefined outside a request. */
export function remainingMs(): number | undefined {
  const at = deadlines.getStore();
  return at === undefined ? undefined : at - Date.now();
}
