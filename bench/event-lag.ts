/**
 * Event lag: from a change's commit (the item's own `modified`, the event's `timestamp`) to
 * its event on the local bus, as the events file (EVENTS_FILE) shows it. The file is read
 * every few milliseconds; that interval is part of the figure.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { percentile } from './load';

export interface EventLag {
  events: number;
  p50: number;
  p99: number;
  max: number;
}

export interface EventLagWatch {
  /** Starts counting (events already in the file are skipped). */
  start(): void;
  /** Stops counting after the events of the changes made so far arrived (or `graceMs` passed). */
  stop(graceMs?: number): Promise<EventLag>;
  close(): void;
}

const READ_EVERY_MS = 5;

export function watchEventLag(file: string, type = 'meeting.booked'): EventLagWatch {
  let offset = 0;
  let rest = '';
  let counting = false;
  let lags: number[] = [];
  let lastArrival = Date.now();
  const read = () => {
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (size <= offset) return;
    const buffer = Buffer.alloc(size - offset);
    const descriptor = openSync(file, 'r');
    try {
      readSync(descriptor, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(descriptor);
    }
    offset = size;
    const now = Date.now();
    const lines = (rest + buffer.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const event = JSON.parse(line) as { type: string; timestamp: string };
      lastArrival = now;
      if (counting && event.type === type) lags.push(now - Date.parse(event.timestamp));
    }
  };
  const timer = setInterval(read, READ_EVERY_MS);
  return {
    start() {
      read();
      lags = [];
      counting = true;
    },
    async stop(graceMs = 3_000) {
      // Wait until the file has been quiet for a while: the last changes' events are in.
      while (Date.now() - lastArrival < 300 && graceMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        graceMs -= 50;
      }
      read();
      counting = false;
      const sorted = [...lags].sort((a, b) => a - b);
      return { events: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
    },
    close: () => clearInterval(timer),
  };
}
