/**
 * THE seam between the event pipeline and where events go: an EventBridge bus in AWS
 * (`eventbridge-transport.ts`), the local runtime's in-process bus (`local/event-bus.ts`).
 * Everything before it (reading changes, mapping them to events, chunking, retrying failed
 * entries) is the same code on both sides.
 */
import type { Publication } from '../domain/events';

/** What became of one entry of a `send`: accepted, or failed with a reason (then retried). */
export type EntryOutcome = { ok: true } | { ok: false; error: string };

export interface EventTransport {
  /** How many events one `send` may carry (EventBridge's PutEvents takes 10). */
  readonly maxEntries: number;
  /**
   * Sends up to `maxEntries` events, each with the ids of the users it concerns, and
   * answers, in the same order, what became of each. Throws only when the whole call
   * failed (then every entry counts as failed).
   */
  send(publications: readonly Publication[]): Promise<EntryOutcome[]>;
}
