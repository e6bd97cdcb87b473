/**
 * The wall clock the handlers read (`new Date()`), pinned by a test so that "now", "today"
 * and the limiter's windows are what the test says, whenever the suite runs. Only `Date`
 * is faked: timeouts, retries, bcrypt and the AWS SDK keep their real timers.
 */
const realTimers = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/** Stops the clock at `instant` (an ISO string or epoch milliseconds) until `unpinClock`. */
export function pinClock(instant: string | number): void {
  jest.useFakeTimers({ doNotFake: [...realTimers], now: new Date(instant) });
}

/** Moves the pinned clock to `instant`, forwards or back. */
export function setClock(instant: string | number): void {
  jest.setSystemTime(new Date(instant));
}

export function unpinClock(): void {
  jest.useRealTimers();
}
