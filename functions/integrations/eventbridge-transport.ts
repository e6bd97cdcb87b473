/**
 * The AWS side of the event seam: PutEvents on the stack's bus, source `calendar.booking`,
 * detail-type = the event's type, detail = the event's body, exactly as integrations read it.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '../domain/events';
import type { EntryOutcome, EventTransport } from './event-transport';

export const EVENT_SOURCE = 'calendar.booking';

/** PutEvents takes at most 10 entries (and 256 KB, far above ten of these events). */
const PUT_EVENTS_MAX_ENTRIES = 10;

export function eventBridgeTransport(client: EventBridgeClient, eventBusName: string): EventTransport {
  return {
    maxEntries: PUT_EVENTS_MAX_ENTRIES,
    async send(events: readonly DomainEvent[]): Promise<EntryOutcome[]> {
      const { Entries = [] } = await client.send(
        new PutEventsCommand({
          Entries: events.map((event) => ({
            EventBusName: eventBusName,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Detail: JSON.stringify(event),
            Time: new Date(event.timestamp),
          })),
        }),
      );
      // One result per entry, in order: an EventId, or an ErrorCode and ErrorMessage.
      return events.map((_, index) => {
        const entry = Entries[index];
        if (entry?.EventId && !entry.ErrorCode) return { ok: true };
        return { ok: false, error: entry ? `${entry.ErrorCode ?? 'Unknown'}: ${entry.ErrorMessage ?? ''}` : 'no result for this entry' };
      });
    },
  };
}
