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

  /**
   * The events of one meeting (or one user's date) go to subscribers one at a time, in
   * commit order; those of different ones side by side.
   */
  async send(publications: readonly Publication[]): Promise<EntryOutcome[]> {
    const outcomes: EntryOutcome[] = new Array(publications.length);
    const bySubject = new Map<string, number[]>();
    publications.forEach((publication, index) => {
      const subject = subjectOf(publication.event.id);
      bySubject.set(subject, [...(bySubject.get(subject) ?? []), index]);
    });
    await Promise.all(
      [...bySubject.values()].map(async (indexes) => {
        for (const index of indexes) outcomes[index] = await this.deliver(publications[index] as Publication);
      }),
    );
    return outcomes;
  }

  private async deliver(publication: Publication): Promise<EntryOutcome> {
    try {
      for (const listener of this.listeners) await listener(publication);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** What an event id names before its version: the meeting, or the user's date. */
const subjectOf = (eventId: string) => eventId.slice(0, eventId.lastIndexOf(':'));

/** A subscriber that appends each event's body to a file, one JSON per line. */
export function appendToFile(path: string): EventListener {
  return ({ event }) => appendFile(path, `${JSON.stringify(event)}\n`);
}
