/**
 * The local runtime's webhook delivery queue: what SQS (with its visibility timeouts) is
 * in AWS. Each task waits for its time on a timer and then runs through the same delivery
 * code as in AWS, with a bound on the attempts in flight. With a file (under DATA_DIR),
 * the waiting tasks are kept there, so pending deliveries survive a restart of
 * `npm start`; a task run twice after a crash is harmless (attempts are numbered).
 */
import { AsyncResource } from 'node:async_hooks';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { DeliveryQueue, DeliveryTask } from '../functions/domain/webhooks';

export interface WebhookQueueOptions {
  /** Runs one attempt (`attemptDelivery`). */
  run(task: DeliveryTask): Promise<unknown>;
  /** Where waiting tasks are kept between runs. @default nowhere */
  file?: string;
  /** Attempts in flight at once. @default 16 */
  concurrency?: number;
  /** Told about an attempt that threw (it is tried again a little later). @default console.error */
  onError?(error: unknown, task: DeliveryTask): void;
}

interface Waiting {
  task: DeliveryTask;
  dueAt: number;
}

/** The longest wait before running again a task whose run threw. */
const MAX_RUN_RETRY_MS = 60_000;

const key = (task: DeliveryTask) => `${task.ownerId}/${task.webhookId}/${task.deliveryId}/${task.attempt}`;

export class InProcessDeliveryQueue implements DeliveryQueue {
  private readonly waiting = new Map<string, Waiting>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly ready: Waiting[] = [];
  private running = 0;
  private stopped = false;
  private saving: Promise<void> = Promise.resolve();
  private idleWaiters: (() => void)[] = [];
  /** Consecutive runs of a task that threw. */
  private readonly failures = new Map<string, number>();
  /**
   * The queue's own context, where its timers start: a task queued by a request (a ping, a
   * redelivery) must not run, minutes or hours later, under that request's deadline.
   */
  private readonly context = new AsyncResource('WebhookQueue');

  constructor(private readonly options: WebhookQueueOptions) {}

  /** Schedules the tasks kept by an earlier run. */
  async restore(): Promise<void> {
    if (!this.options.file) return;
    let kept: Waiting[] = [];
    try {
      kept = JSON.parse(await readFile(this.options.file, 'utf8')) as Waiting[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const entry of kept) this.schedule(entry);
  }

  async enqueue(task: DeliveryTask, delayMs: number): Promise<void> {
    this.schedule({ task, dueAt: Date.now() + delayMs });
    await this.save();
  }

  /** Resolves when no task waits or runs (for tests). */
  idle(): Promise<void> {
    if (this.waiting.size === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.save();
  }

  private schedule(entry: Waiting): void {
    const id = key(entry.task);
    if (this.stopped) {
      // An attempt still running at the stop may ask for the next: it is kept (saved) for the next start.
      if (!this.waiting.has(id)) this.waiting.set(id, entry);
      return;
    }
    const waiting = this.waiting.get(id);
    if (waiting) {
      // The same attempt, asked for sooner (a redelivery of a delivery waiting for its retry, or
      // an event handed over again): it runs at the sooner time, as SQS would run a second
      // message at once in AWS. Once due, it runs once.
      const timer = this.timers.get(id);
      if (!timer || entry.dueAt >= waiting.dueAt) return;
      clearTimeout(timer);
    }
    this.waiting.set(id, entry);
    const timer = this.context.runInAsyncScope(() =>
      setTimeout(
        () => {
          this.timers.delete(id);
          this.ready.push(entry);
          this.pump();
        },
        Math.max(0, entry.dueAt - Date.now()),
      ),
    );
    this.timers.set(id, timer);
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 16;
    while (!this.stopped && this.running < limit && this.ready.length > 0) {
      const entry = this.ready.shift() as Waiting;
      this.running += 1;
      void this.options
        .run(entry.task)
        .then(
          () => {
            this.waiting.delete(key(entry.task));
            this.failures.delete(key(entry.task));
          },
          (error: unknown) => {
            (this.options.onError ?? ((failure) => console.error('Webhook delivery failed to run:', failure)))(error, entry.task);
            // Tried again (the attempt did not get to log its outcome): after 1 s, then twice as
            // long each time up to a minute, as long as it cannot run (a stopped engine, say).
            const id = key(entry.task);
            const failures = (this.failures.get(id) ?? 0) + 1;
            this.failures.set(id, failures);
            this.waiting.delete(id);
            this.schedule({ task: entry.task, dueAt: Date.now() + Math.min(MAX_RUN_RETRY_MS, 1_000 * 2 ** (failures - 1)) });
          },
        )
        .then(() => this.save())
        .finally(() => {
          this.running -= 1;
          this.pump();
          if (this.waiting.size === 0 && this.running === 0) {
            for (const resolve of this.idleWaiters.splice(0)) resolve();
          }
        });
    }
  }

  /** Writes the waiting tasks, one write at a time, the last state winning. */
  private save(): Promise<void> {
    const file = this.options.file;
    if (!file) return Promise.resolve();
    this.saving = this.saving.then(async () => {
      const temporary = `${file}.tmp`;
      await writeFile(temporary, JSON.stringify([...this.waiting.values()]));
      await rename(temporary, file);
    });
    return this.saving;
  }
}
