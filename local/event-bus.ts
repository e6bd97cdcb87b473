/**
 * The local side of the event seam: an in-process bus. What EventBridge rules and targets
 * are in AWS, subscribers are here (the events file, webhook deliveries). An entry is
 * accepted once every subscriber has taken it; a subscriber that throws fails the entry,
 * so the publisher sends it again (same id): at least once, as in AWS.
 */
import { appendFile } from 'node:fs/promises';
import type { Publication } from '../functions/domain/events';
import type { EntryOutcome, EventTransport } from '../functions/integrations/event-transport';

/** A subscriber: gets each event with the ids of the users it concerns. */
export type EventListener = (publication: Publication) => void | Promise<void>;

export class InProcessBus implements EventTransport {
  readonly maxEntries = 10;
  private readonly listeners = new Set<EventListener>();

  /** Adds a subscriber; returns how to remove it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async send(publications: readonly Publication[]): Promise<EntryOutcome[]> {
    const outcomes: EntryOutcome[] = [];
    // In order, one event at a time: subscribers see a meeting's events in commit order.
    for (const publication of publications) {
      try {
        for (const listener of this.listeners) await listener(publication);
        outcomes.push({ ok: true });
      } catch (error) {
        outcomes.push({ ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return outcomes;
  }
}

/** A subscriber that appends each event's body to a file, one JSON per line. */
export function appendToFile(path: string): EventListener {
  return ({ event }) => appendFile(path, `${JSON.stringify(event)}\n`);
}
