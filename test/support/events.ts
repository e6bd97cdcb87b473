/**
 * The local runtime's event pipeline, in-process, over the test table's stream: the same
 * poller, publisher and bus `npm start` runs, with a subscriber that keeps what it saw.
 * Other tests write to the table at the same time: filter what you read by your own ids.
 */
import type { DomainEvent } from '../../functions/domain/events';
import { streamPublisher } from '../../functions/integrations/stream-publisher';
import { sdkClient } from './document-client';
import { type EventListener, InProcessBus } from '../../local/event-bus';
import { startStreamPoller, type StreamPoller, type StreamPollerOptions } from '../../local/stream-poller';

export interface EventCapture {
  /** Every event the bus accepted, in the order it accepted them (duplicates included). */
  events: DomainEvent[];
  bus: InProcessBus;
  poller: StreamPoller;
  /** The events accepted so far after every change written before the call. */
  settled(): Promise<DomainEvent[]>;
  stop(): Promise<void>;
}

const running = new Set<StreamPoller>();

/** Stops every capture a test left running (call it in afterAll). */
export async function stopCaptures(): Promise<void> {
  await Promise.all([...running].map((poller) => poller.stop()));
  running.clear();
}

export async function captureEvents(
  options: Partial<StreamPollerOptions> & { listener?: EventListener; attempts?: number } = {},
): Promise<EventCapture> {
  const events: DomainEvent[] = [];
  const bus = new InProcessBus();
  if (options.listener) bus.subscribe(options.listener);
  bus.subscribe(({ event }) => void events.push(event));
  const poller = startStreamPoller({
    client: sdkClient(),
    tableName: process.env.TABLE_NAME as string,
    handle: streamPublisher(bus, { baseDelayMs: 5, ...(options.attempts ? { attempts: options.attempts } : {}) }),
    startAt: 'LATEST',
    idleMs: 20,
    onError: () => undefined,
    ...options,
  });
  running.add(poller);
  await poller.ready;
  return {
    events,
    bus,
    poller,
    settled: async () => {
      await poller.drained();
      return events;
    },
    stop: async () => {
      running.delete(poller);
      await poller.stop();
    },
  };
}

/** The events about one meeting, or of one user's blocks. */
export const aboutMeeting = (events: readonly DomainEvent[], meetingId: string) =>
  events.filter((event) => event.type.startsWith('meeting.') && (event.data as { meeting: { id: string } }).meeting.id === meetingId);
export const aboutBlocksOf = (events: readonly DomainEvent[], userId: string) =>
  events.filter((event) => event.type === 'availability.changed' && event.data.user.id === userId);
