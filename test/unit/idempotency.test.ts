import type { MiddlewareObj } from '@middy/core';
import { DeadlineExceeded } from '../../functions/domain/errors';
import { idempotentWrites, requestKeyOf } from '../../functions/http/idempotency';
import { createIdempotencyStore } from '../../functions/store/idempotency-store';
import { json } from '../../functions/http/responses';
import { chain } from '../../functions/http/route-handler';
import type { ApiEvent, ApiResult } from '../../functions/http/types';
import { fromHandlerResult, localContext, toApiGatewayEvent } from '../../local/api-gateway';
import { IdempotencyTable } from './idempotency-table';
import { captureLogs } from './logs';

const table = new IdempotencyTable();

/** Stands in for authentication: the caller is the `x-user` header. */
const fakeAuth: MiddlewareObj<ApiEvent, ApiResult> = {
  before: (request) => {
    const id = request.event.headers['x-user'] ?? 'ann';
    request.event.principal = { user: { id, username: id, email: `${id}@example.com` }, via: 'token', token: undefined };
  },
};

/** A route counting its runs; `gate`, when set, holds the first run until it is resolved. */
function route(options: { fail?: () => boolean; failure?: () => Error; gate?: Promise<void> } = {}) {
  let runs = 0;
  const handler = chain({ body: true, idempotent: idempotentWrites(createIdempotencyStore(table)) }, fakeAuth, async (event) => {
    runs += 1;
    const run = runs;
    if (run === 1) await options.gate;
    if (options.fail?.()) throw options.failure?.() ?? new Error('failed');
    return json(201, { run, body: event.jsonBody });
  });
  const send = async (request: { key?: string; body?: string; user?: string; path?: string; method?: string }) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-user': request.user ?? 'ann' };
    if (request.key) headers['idempotency-key'] = request.key;
    const path = request.path ?? '/api/event/';
    const method = request.method ?? 'POST';
    const event = toApiGatewayEvent(
      { method, url: path, headers, body: Buffer.from(request.body ?? '{"title": "Plan"}') },
      { routeKey: `${method} ${path}` },
    );
    const result = fromHandlerResult(await handler(event as never, localContext('test')));
    return { status: result.statusCode, body: JSON.parse(result.body.toString()) };
  };
  return { send, runs: () => runs };
}

let keys = 0;
const freshKey = () => `key-${(keys += 1)}`;

describe('Idempotency-Key', () => {
  it('answers a retry with the same key and body with the first answer, without running again', async () => {
    const { send, runs } = route();
    const key = freshKey();
    const first = await send({ key });
    expect([await send({ key, body: '{ "title" : "Plan" }' }), runs()]).toEqual([first, 1]);
  });

  it('runs every request that carries no key, storing nothing', async () => {
    const { send, runs } = route();
    const before = table.items.size;
    await send({});
    await send({});
    expect([runs(), table.items.size]).toEqual([2, before]);
  });

  it('refuses the same key with another body with 422', async () => {
    const { send } = route();
    const key = freshKey();
    await send({ key });
    expect(await send({ key, body: '{"title": "Other"}' })).toEqual({
      status: 422,
      body: { detail: 'This Idempotency-Key was used with another request body.' },
    });
  });

  it.each([
    ['another caller', { user: 'bob' }],
    ['another path', { path: '/api/event/other/' }],
    ['another method', { method: 'PUT' }],
  ])('runs the same key again for %s', async (_, other) => {
    const { send, runs } = route();
    const key = freshKey();
    await send({ key });
    await send({ key, ...other });
    expect(runs()).toBe(2);
  });

  it("keeps a record for 24 hours under the table's idempotency partition", async () => {
    const { send } = route();
    const started = Math.floor(Date.now() / 1000);
    await send({ key: freshKey() });
    const record = table.records().at(-1)!;
    expect(record).toMatchObject({ pk: 'IDEMPOTENCY', status: 'COMPLETED' });
    expect((record.expiresAt as number) - started).toBeGreaterThanOrEqual(86_400);
    expect((record.expiresAt as number) - started).toBeLessThanOrEqual(86_405);
  });

  it('lets a retry run again after the first request failed', async () => {
    let failing = true;
    const { send } = route({ fail: () => failing });
    const key = freshKey();
    expect((await send({ key })).status).toBe(500);
    failing = false;
    expect(await send({ key })).toEqual({ status: 201, body: { run: 2, body: { title: 'Plan' } } });
  });

  it('keeps the record of a request whose deadline passed: a retry waits, its write may still land', async () => {
    let failing = true;
    const { send, runs } = route({ fail: () => failing, failure: () => new DeadlineExceeded('TransactWriteItems', 6_000) });
    const key = freshKey();
    expect((await send({ key })).status).toBe(503);
    failing = false;
    expect([(await send({ key })).status, runs()]).toEqual([409, 1]);
  });

  it("refuses retries while the first is still running with 409, without releasing the first's record", async () => {
    let release!: () => void;
    const { send, runs } = route({ gate: new Promise<void>((resolve) => (release = resolve)) });
    const key = freshKey();
    const first = send({ key });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = [await send({ key }), await send({ key })];
    release();
    await first;
    expect([refused.map((answer) => answer.status), runs()]).toEqual([[409, 409], 1]);
  });

  it('answers the in-progress refusal with a retry after a second', async () => {
    let release!: () => void;
    const { send } = route({ gate: new Promise<void>((resolve) => (release = resolve)) });
    const key = freshKey();
    const first = send({ key });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await send({ key });
    release();
    await first;
    expect(refused.body).toEqual({ detail: 'A request with this Idempotency-Key is still in progress; retry shortly.' });
  });

  it('logs one access line for a first request and one for its replay', async () => {
    const { send } = route();
    const key = freshKey();
    const lines = await captureLogs(async () => {
      await send({ key });
      await send({ key });
    });
    expect(lines.filter((line) => line.message === 'request').map((line) => line.status)).toEqual([201, 201]);
  });
});

describe('the request key stored with a write', () => {
  const eventOf = (request: { user?: string; method?: string; path?: string; key?: string; body?: unknown }) => {
    const method = request.method ?? 'POST';
    const path = request.path ?? '/api/event/';
    const headers: Record<string, string> = request.key === undefined ? {} : { 'idempotency-key': request.key };
    const event = toApiGatewayEvent({ method, url: path, headers }, { routeKey: `${method} ${path}` }) as ApiEvent;
    const id = request.user ?? 'ann';
    event.principal = { user: { id, username: id, email: `${id}@example.com` }, via: 'token', token: undefined };
    event.jsonBody = (request.body ?? { title: 'Plan', participants: ['a@example.com'] }) as Record<string, unknown>;
    return event;
  };

  it('is undefined without an Idempotency-Key', () => {
    expect(requestKeyOf(eventOf({}))).toBeUndefined();
  });

  it("is the same for the same request, whatever the order of the body's keys", () => {
    const key = 'k1';
    expect(requestKeyOf(eventOf({ key, body: { b: [1, { y: 2, x: 1 }], a: null } }))).toBe(
      requestKeyOf(eventOf({ key, body: { a: null, b: [1, { x: 1, y: 2 }] } })),
    );
  });

  it('differs with the caller, the method, the path, the key or the body', () => {
    const base = { key: 'k1', user: 'ann', method: 'POST', path: '/api/event/', body: { title: 'Plan' } };
    const keys = [
      base,
      { ...base, user: 'bob' },
      { ...base, method: 'PUT' },
      { ...base, path: '/api/event/x/' },
      { ...base, key: 'k2' },
      { ...base, body: { title: 'Plan ' } },
      { ...base, body: { title: 'Plan', extra: [] } },
    ].map((request) => requestKeyOf(eventOf(request)));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
