import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withDeadline } from '../../functions/domain/deadline';
import { DeadlineExceeded, Overloaded } from '../../functions/domain/errors';
import { DEADLINE_MARGIN_MS, REQUEST_BUDGET_MS, requestDeadline } from '../../functions/http/route-handler';
import { createClient } from '../../functions/store/client';
import type { DynamoDb } from '../../functions/store/dynamodb';

/** An endpoint that takes requests and never answers: a stalled engine. */
let stalled: Server;
let endpoint: string;
beforeAll(async () => {
  stalled = createServer(() => undefined);
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
});
afterAll(async () => {
  stalled.closeAllConnections();
  await new Promise((resolve) => stalled.close(resolve));
});

const getItem = (client: DynamoDb) => client.send('GetItem', { TableName: 't', Key: { pk: 'a', sk: 'b' } });
const clientOf = (options: Parameters<typeof createClient>[0] = {}) => createClient({ endpoint, ...options });

describe("a request's deadline", () => {
  it('is its budget, or less when the function has less time left (with a margin)', () => {
    expect(requestDeadline({ getRemainingTimeInMillis: () => 10_000 }, 0)).toBe(REQUEST_BUDGET_MS);
    expect(requestDeadline({ getRemainingTimeInMillis: () => 4_000 }, 0)).toBe(4_000 - DEADLINE_MARGIN_MS);
    expect(requestDeadline({ getRemainingTimeInMillis: () => 500 }, 100)).toBe(100);
  });

  it('ends a storage call to a stalled engine when it passes, naming the operation', async () => {
    const ended: string[] = [];
    const base = clientOf({ onDeadline: (operation) => ended.push(operation) });
    const started = Date.now();
    const error = await withDeadline(Date.now() + 300, () => getItem(base)).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(DeadlineExceeded);
    expect(error).toMatchObject({ operation: 'GetItem' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ended).toEqual(['GetItem']);
    base.close();
  });

  it('refuses a call at once when the deadline has passed already', async () => {
    const base = clientOf();
    await expect(withDeadline(Date.now() - 1, () => getItem(base))).rejects.toBeInstanceOf(DeadlineExceeded);
    base.close();
  });
});

describe('calls in flight', () => {
  it('are bounded: beyond the bound a call is shed at once instead of queueing behind a stall', async () => {
    const base = clientOf({ maxInFlight: 2 });
    const waiting = [1, 2].map(() => withDeadline(Date.now() + 400, () => getItem(base)).catch((reason: unknown) => reason));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await expect(withDeadline(Date.now() + 400, () => getItem(base))).rejects.toBeInstanceOf(Overloaded);
    expect(Date.now() - started).toBeLessThan(100);
    for (const outcome of await Promise.all(waiting)) expect(outcome).toBeInstanceOf(DeadlineExceeded);
    base.close();
  });
});

describe('the count of calls in flight', () => {
  it('is given back by every call that ends, failed ones included', async () => {
    // Nothing listens there: each call fails fast (connection refused).
    const base = createClient({ endpoint: 'http://127.0.0.1:9', maxInFlight: 1 });
    for (let round = 0; round < 3; round++) {
      const error = await withDeadline(Date.now() + 5_000, () => getItem(base)).catch((reason: unknown) => reason);
      expect(error).toMatchObject({ code: 'ECONNREFUSED' });
      expect(error).not.toBeInstanceOf(Overloaded);
      expect(error).not.toBeInstanceOf(DeadlineExceeded);
    }
    base.close();
  });
});
