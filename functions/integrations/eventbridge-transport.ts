/**
 * The AWS side of the event seam: PutEvents on the stack's bus, source `calendar.booking`,
 * detail-type = the event's type, detail = the event's body, exactly as integrations read
 * it, and `resources` naming each user the event concerns (`userResource`), which the
 * webhook fan-out reads and rules may match on.
 */
import type { Publication } from '../domain/events';
import type { AwsJsonClient } from '../store/aws-json';
import type { EntryOutcome, EventTransport } from './event-transport';

export const EVENT_SOURCE = 'calendar.booking';

/** A user as an event's resource: ARN-shaped, as EventBridge documents resources. */
export const userResource = (userId: string) => `arn:aws:calendar:::user/${userId}`;
/** The user id of a resource made by `userResource`; undefined for any other resource. */
export const userOfResource = (resource: string) => /^arn:aws:calendar:::user\/(.+)$/.exec(resource)?.[1];

/** PutEvents takes at most 10 entries (and 256 KB, far above ten of these events). */
const PUT_EVENTS_MAX_ENTRIES = 10;

/** EventBridge's own client: its JSON protocol (1.1, `AWSEvents`), times in epoch seconds. */
export type EventBridgeClient = Pick<AwsJsonClient, 'call'>;

/** One entry of PutEvents, as its JSON protocol takes it. */
export interface PutEventsEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Time: number;
  Resources: string[];
}

/** One result of PutEvents, in the order of the entries: an EventId, or an ErrorCode and ErrorMessage. */
interface PutEventsResult {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export function eventBridgeTransport(client: EventBridgeClient, eventBusName: string): EventTransport {
  return {
    maxEntries: PUT_EVENTS_MAX_ENTRIES,
    async send(publications: readonly Publication[]): Promise<EntryOutcome[]> {
      const entries = publications.map(({ event, audience }): PutEventsEntry => ({
        EventBusName: eventBusName,
        Source: EVENT_SOURCE,
        DetailType: event.type,
        Detail: JSON.stringify(event),
        Time: Date.parse(event.timestamp) / 1000,
        Resources: audience.map(userResource),
      }));
      const { Entries = [] } = (await client.call('PutEvents', { Entries: entries })) as { Entries?: PutEventsResult[] };
      // One result per entry, in order: an EventId, or an ErrorCode and ErrorMessage.
      return publications.map((_, index) => {
        const entry = Entries[index];
        if (entry?.EventId && !entry.ErrorCode) return { ok: true };
        return { ok: false, error: entry ? `${entry.ErrorCode ?? 'Unknown'}: ${entry.ErrorMessage ?? ''}` : 'no result for this entry' };
      });
    },
  };
}
