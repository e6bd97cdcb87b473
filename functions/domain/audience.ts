/**
 * Who receives what (API Part C, "Webhooks"): an event concerns the users who take part in
 * its meeting, before or after the change (so a guest removed by an edit is told of it),
 * or the owner of the blocks. A subscription receives an event when its owner is among
 * them and it asked for the event's type (or for every type).
 */

/** What a change is about, as far as its audience goes: a meeting's participants, or a day's owner. */
export type Concerned =
  { kind: 'meeting'; meeting: { participants: readonly { id: string }[] } } | { kind: 'day'; day: { owner: { id: string } } };

/** The ids of the users an event of this change concerns, each once, in a stable order. */
export function audienceOf(before: Concerned | undefined, after: Concerned): string[] {
  if (after.kind === 'day') return [after.day.owner.id];
  const ids = [...after.meeting.participants, ...(before?.kind === 'meeting' ? before.meeting.participants : [])].map(
    (participant) => participant.id,
  );
  return [...new Set(ids)];
}

/** What a subscription's owner asked for. */
export interface SubscriptionFilter {
  ownerId: string;
  /** Event types, or `["*"]` for all. */
  events: readonly string[];
  active: boolean;
}

/** Whether a subscription receives an event of `type` concerning `audience`. */
export function receives(subscription: SubscriptionFilter, type: string, audience: readonly string[]): boolean {
  return (
    subscription.active &&
    audience.includes(subscription.ownerId) &&
    (subscription.events.includes('*') || subscription.events.includes(type))
  );
}
