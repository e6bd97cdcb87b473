import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryTask } from '../../functions/domain/webhooks';
import { remainingMs, withDeadline } from '../../functions/domain/deadline';
import { InProcessDeliveryQueue } from '../../local/webhook-queue';

const task = (attempt: number): DeliveryTask => ({
  ownerId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  webhookId: '01ARZ3NDEKTSV4RRFFQ69G5FAW',
  deliveryId: '01ARZ3NDEKTSV4RRFFQ69G5FAX',
  attempt,
});

describe("npm start's webhook queue", () => {
  it('runs a task outside the request that queued it: a retry hours later has no request deadline', async () => {
    const seen: (number | undefined)[] = [];
    const queue = new InProcessDeliveryQueue({ run: async () => void seen.push(remainingMs()) });
    // A ping or a redelivery queues its attempt while its request runs, under its deadline.
    await withDeadline(Date.now() + 20, () => queue.enqueue(task(1), 50));
    await queue.idle();
    expect(seen).toEqual([undefined]);
    await queue.stop();
  });

  it('runs an attempt asked for sooner at the sooner time, once', async () => {
    const ran: number[] = [];
    const queue = new InProcessDeliveryQueue({ run: async (queued) => void ran.push(queued.attempt) });
    await queue.enqueue(task(2), 60_000);
    await queue.enqueue(task(2), 0);
    await queue.idle();
    expect(ran).toEqual([2]);
    await queue.stop();
  });
});

describe("npm start's webhook queue, when an attempt cannot run", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('tries it again after 1 s, 2 s, 4 s and so on, up to a minute apart, not every second', async () => {
    let runs = 0;
    const queue = new InProcessDeliveryQueue({
      run: async () => {
        runs += 1;
        throw new Error('the database is down');
      },
      onError: () => undefined,
    });
    await queue.enqueue(task(1), 0);
    const after = async (ms: number) => {
      await jest.advanceTimersByTimeAsync(ms);
      return runs;
    };
    expect(await after(0)).toBe(1);
    expect(await after(1_000)).toBe(2);
    expect(await after(1_999)).toBe(2);
    expect(await after(1)).toBe(3);
    expect(await after(4_000)).toBe(4);
    // 8, 16, 32 s, then a minute apart at most.
    expect(await after(8_000 + 16_000 + 32_000)).toBe(7);
    expect(await after(59_999)).toBe(7);
    expect(await after(1)).toBe(8);
    await queue.stop();
  });
});

describe("npm start's webhook queue, stopping", () => {
  it('keeps in its file the next attempt that an attempt running at the stop asks for', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'webhook-queue-')), 'queue.json');
    let finish: () => void = () => undefined;
    const queue: InProcessDeliveryQueue = new InProcessDeliveryQueue({
      file,
      // The attempt fails and asks for the next, but only once the queue has been stopped.
      run: (running) =>
        new Promise<void>((resolve) => {
          finish = () => void queue.enqueue(task(running.attempt + 1), 300_000).then(resolve);
        }),
    });
    await queue.enqueue(task(1), 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await queue.stop();
    finish();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { task: DeliveryTask }[];
    expect(kept.map((entry) => entry.task.attempt)).toEqual([2]);
  });
});
