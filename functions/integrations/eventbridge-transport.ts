/**
 * The AWS side of the event seam: PutEvents on the stack's bus, source `calendar.booking`,
 * detail-type = the event's type, detail = the event's body, exactly as integrations read
 * it, and `resources` naming each user the event concerns (`userResource`), which the
 * webhook fan-out reads and rules may match on.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Publication } from '../domain/events';
import type { EntryOutcome, EventTransport } from './event-transport';

export const EVENT_SOURCE = 'calendar.booking';

/** A user as an event's resource: ARN-shaped, as EventBridge documents resources. */
export const userResource = (userId: string) => `arn:aws:calendar:::user/${userId}`;
/** The user id of a resource made by `userResource`; undefined for any other resource. */
export const userOfResource = (resource: string) => /^arn:aws:calendar:::user\/(.+)$/.exec(resource)?.[1];

/** PutEvents takes at most 10 entries (and 256 KB, far above ten of these events). */
const PUT_EVENTS_MAX_ENTRIES = 10;

export function eventBridgeTransport(client: EventBridgeClient, eventBusName: string): EventTransport {
  return {
    maxEntries: PUT_EVENTS_MAX_ENTRIES,
    async send(publications: readonly Publication[]): Promise<EntryOutcome[]> {
      const { Entries = [] } = await client.send(
        new PutEventsCommand({
          Entries: publications.map(({ event, audience }) => ({
            EventBusName: eventBusName,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Detail: JSON.stringify(event),
            Time: new Date(event.timestamp),
            Resources: audience.map(userResource),
          })),
        }),
      );
      // One result per entry, in order: an EventId, or an ErrorCode and ErrorMessage.
      return publications.map((_, index) => {
        const entry = Entries[index];
        if (entry?.EventId && !entry.ErrorCode) return { ok: true };
        return { ok: false, error: entry ? `${entry.ErrorCode ?? 'Unknown'}: ${entry.ErrorMessage ?? ''}` : 'no result for this entry' };
      });
    },
  };
}
