/**
 * Publishes domain events through a transport: the events handed in during one turn of
 * the event loop go out together, in chunks of the transport's size, in the order given;
 * an entry the transport refused (or a chunk whose call failed) is sent again, alone with
 * the other refused ones, after a short jittered backoff. An event is never dropped: its
 * `publish` resolves once the transport accepted it, or rejects after the last attempt,
 * so that the caller (the stream's batch) reports its change as not done and it is read
 * again later, under the same event id.
 */
import type { DomainEvent, Publication } from '../domain/events';
import type { EntryOutcome, EventTransport } from './event-transport';

export interface PublishOptions {
  /** Sends of one entry before it is given up to the caller. @default 4 */
  attempts?: number;
  /** Backoff ceiling of the first retry; doubles with each. @default 50 */
  baseDelayMs?: number;
  /** Told about every entry refused, for logs. @default nothing */
  onRefused?(event: DomainEvent, error: string, attempt: number): void;
}

interface Pending {
  publication: Publication;
  resolve(): void;
  reject(error: Error): void;
}

export class EventPublishFailed extends Error {
  constructor(
    readonly eventId: string,
    reason: string,
  ) {
    super(`event ${eventId} was not accepted: ${reason}`);
    this.name = 'EventPublishFailed';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class EventPublisher {
  private queue: Pending[] = [];
  private readonly attempts: number;
  private readonly baseDelayMs: number;

  constructor(
    private readonly transport: EventTransport,
    private readonly options: PublishOptions = {},
  ) {
    this.attempts = options.attempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 50;
  }

  /** Resolves when the transport has accepted the event. */
  publish(publication: Publication): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => void this.flush());
      this.queue.push({ publication, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const refused: { entry: Pending; error: string }[] = [];
      for (let start = 0; start < pending.length; start += this.transport.maxEntries) {
        const chunk = pending.slice(start, start + this.transport.maxEntries);
        const outcomes = await this.send(chunk.map((entry) => entry.publication));
        chunk.forEach((entry, index) => {
          const outcome = outcomes[index] ?? { ok: false, error: 'no answer for this entry' };
          if (outcome.ok) entry.resolve();
          else refused.push({ entry, error: outcome.error });
        });
      }
      for (const { entry, error } of refused) this.options.onRefused?.(entry.publication.event, error, attempt);
      if (attempt >= this.attempts) {
        for (const { entry, error } of refused) entry.reject(new EventPublishFailed(entry.publication.event.id, error));
        return;
      }
      pending = refused.map(({ entry }) => entry);
      if (pending.length > 0) await sleep(Math.random() * this.baseDelayMs * 2 ** (attempt - 1));
    }
  }

  private async send(publications: Publication[]): Promise<EntryOutcome[]> {
    try {
      return await this.transport.send(publications);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return publications.map(() => ({ ok: false, error: reason }));
    }
  }
}
