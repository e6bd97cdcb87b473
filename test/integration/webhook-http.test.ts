import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { postWebhook, type Resolver } from '../../functions/integrations/webhook-http';
import type { UrlPolicy } from '../../functions/domain/webhook-urls';

/** The local runtime: http and loopback receivers. */
const local: UrlPolicy = { allowHttp: true, allowLoopback: true };
/** http, but no loopback: the receivers below must then see nothing. */
const noLoopback: UrlPolicy = { allowHttp: true, allowLoopback: false };

const body = JSON.stringify({ id: 'evt_1', type: 'webhook.ping' });
const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_1' };

interface Hit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  port: number;
  /** Requests that arrived. */
  hits: Hit[];
  /** TCP connections that were opened, requests or not. */
  connections: number;
  url(path?: string, host?: string): URL;
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((done) => {
          if ('closeAllConnections' in server) (server as ReturnType<typeof createServer>).closeAllConnections();
          server.close(() => done());
        }),
    ),
  );
});

async function listening(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

/** A real HTTP receiver on 127.0.0.1 that records what reaches it and answers with `answer`. */
async function receiver(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<Receiver> {
  const hits: Hit[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hits.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      answer(request, response);
    });
  });
  const state: Receiver = {
    port: 0,
    hits,
    connections: 0,
    url: (path = '/hook', host = '127.0.0.1') => new URL(`http://${host}:${state.port}${path}`),
  };
  server.on('connection', () => state.connections++);
  state.port = await listening(server);
  return state;
}

const answering =
  (status: number, text = '', extra: Record<string, string> = {}) =>
  (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'text/plain', ...extra });
    response.end(text);
  };

/** Resolves every name to `addresses`, counting the look-ups. */
function resolvingTo(...addresses: string[]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

const settleQuietly = () => new Promise((done) => setTimeout(done, 100));

describe('postWebhook to a receiver that answers', () => {
  it('is ok for a 200, having POSTed the body and headers with the URL as Host', async () => {
    const target = await receiver(answering(200, 'thanks'));
    const result = await postWebhook(target.url('/hook?x=1'), body, headers, { policy: local });
    expect(result).toEqual({ ok: true, status: 200, excerpt: 'thanks', elapsedMs: expect.any(Number) });
    expect(target.hits).toEqual([
      {
        method: 'POST',
        path: '/hook?x=1',
        headers: expect.objectContaining({
          host: `127.0.0.1:${target.port}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'webhook-id': 'msg_1',
        }),
        body,
      },
    ]);
  });

  it('is ok for any 2xx, a 204 without a body too', async () => {
    const target = await receiver(answering(204));
    expect(await postWebhook(target.url(), body, headers, { policy: local })).toEqual({
      ok: true,
      status: 204,
      excerpt: '',
      elapsedMs: expect.any(Number),
    });
  });

  it('is not ok for a 500, naming the status and keeping the start of the answer', async () => {
    const target = await receiver(answering(500, 'database on fire'));
    const result = await postWebhook(target.url(), body, headers, { policy: local });
    expect(result).toEqual({
      ok: false,
      status: 500,
      error: 'the receiver answered 500',
      excerpt: 'database on fire',
      elapsedMs: expect.any(Number),
    });
  });

  it('does not follow a 302: not ok, and the redirect target is never hit', async () => {
    const landing = await receiver(answering(200));
    const target = await receiver(answering(302, '', { location: landing.url('/landing').href }));
    const result = await postWebhook(target.url(), body, headers, { policy: local });
    await settleQuietly();
    expect(result).toEqual({
      ok: false,
      status: 302,
      error: `redirects are not followed (302 to http://127.0.0.1:${landing.port}/landing)`,
      excerpt: '',
      elapsedMs: expect.any(Number),
    });
    expect([target.hits.length, landing.connections]).toEqual([1, 0]);
  });

  it('reads no more than maxResponseBytes of a large answer', async () => {
    const target = await receiver(answering(200, 'x'.repeat(1_000_000)));
    const result = await postWebhook(target.url(), body, headers, { policy: local, maxResponseBytes: 100 });
    expect(result).toEqual({ ok: true, status: 200, excerpt: 'x'.repeat(100), elapsedMs: expect.any(Number) });
  });

  it('keeps only the first 256 characters of what it read', async () => {
    const target = await receiver(answering(200, 'y'.repeat(4096)));
    const result = await postWebhook(target.url(), body, headers, { policy: local });
    expect(result.excerpt).toBe('y'.repeat(256));
  });

  it('does not wait for an answer that never ends once it has read its fill', async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const pump = setInterval(() => response.write('z'.repeat(1024)), 5);
      response.on('close', () => clearInterval(pump));
    });
    const started = Date.now();
    const result = await postWebhook(target.url(), body, headers, { policy: local, timeoutMs: 5_000 });
    expect(result).toEqual({ ok: true, status: 200, excerpt: 'z'.repeat(256), elapsedMs: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('postWebhook within its deadline', () => {
  it('gives up on a receiver slower than timeoutMs, returning near the deadline', async () => {
    const target = await receiver((_request, response) => {
      const late = setTimeout(() => answering(200)(_request, response), 3_000);
      response.on('close', () => clearTimeout(late));
    });
    const started = Date.now();
    const result = await postWebhook(target.url(), body, headers, { policy: local, timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(result).toEqual({ ok: false, error: 'timed out after 300 ms', elapsedMs: expect.any(Number) });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(1_000);
    expect(target.hits).toHaveLength(1);
  });

  it('counts a body that stalls after a 200 as timed out, keeping the status', async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    const result = await postWebhook(target.url(), body, headers, { policy: local, timeoutMs: 300 });
    expect(result).toEqual({ ok: false, status: 200, excerpt: 'partial', error: 'timed out after 300 ms', elapsedMs: expect.any(Number) });
  });

  it('counts name resolution within the deadline', async () => {
    const never: Resolver = () => new Promise(() => undefined);
    const started = Date.now();
    const result = await postWebhook(new URL('https://hooks.example.com/'), body, headers, {
      policy: local,
      timeoutMs: 200,
      resolve: never,
    });
    expect(result).toEqual({ ok: false, error: 'timed out after 200 ms', elapsedMs: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('postWebhook and loopback receivers', () => {
  it.each(['127.0.0.1', 'localhost'])('reaches %s when the policy allows loopback', async (host) => {
    const target = await receiver(answering(200, 'ok'));
    const result = await postWebhook(target.url('/hook', host), body, headers, { policy: local });
    expect(result).toEqual({ ok: true, status: 200, excerpt: 'ok', elapsedMs: expect.any(Number) });
    expect(target.hits).toHaveLength(1);
  });

  it.each([
    ['127.0.0.1', 'refused: URLs pointing to a loopback address (127.0.0.0/8) are not allowed.'],
    ['localhost', 'refused: URLs pointing to localhost are not allowed.'],
    ['[::ffff:127.0.0.1]', 'refused: URLs pointing to a loopback address (127.0.0.0/8) in IPv4-mapped IPv6 form are not allowed.'],
  ])('refuses %s when it does not, without opening a connection', async (host, error) => {
    const target = await receiver(answering(200));
    const result = await postWebhook(target.url('/hook', host), body, headers, { policy: noLoopback });
    await settleQuietly();
    expect(result).toEqual({ ok: false, error, elapsedMs: expect.any(Number) });
    expect(target.connections).toBe(0);
  });

  it('refuses a name that resolves to loopback when loopback is not allowed, without opening a connection', async () => {
    const target = await receiver(answering(200));
    const result = await postWebhook(target.url('/hook', 'hooks.example.com'), body, headers, {
      policy: noLoopback,
      resolve: resolvingTo('127.0.0.1'),
    });
    await settleQuietly();
    expect(result).toEqual({
      ok: false,
      error: 'refused: hooks.example.com resolves to 127.0.0.1, a loopback address (127.0.0.0/8)',
      elapsedMs: expect.any(Number),
    });
    expect(target.connections).toBe(0);
  });

  it('refuses the metadata address even where loopback is allowed', async () => {
    const result = await postWebhook(new URL('http://169.254.169.254/latest/meta-data'), body, headers, { policy: local });
    expect(result).toEqual({
      ok: false,
      error: 'refused: URLs pointing to the cloud metadata address (169.254.169.254) are not allowed.',
      elapsedMs: expect.any(Number),
    });
  });
});

describe('postWebhook after name resolution', () => {
  it.each([
    [['10.0.0.7'], 'refused: hooks.example.com resolves to 10.0.0.7, a private address (10.0.0.0/8)'],
    [
      ['93.184.215.14', '169.254.169.254'],
      'refused: hooks.example.com resolves to 169.254.169.254, the cloud metadata address (169.254.169.254)',
    ],
    [
      ['2606:4700::6810:84e5', 'fd00:ec2::254'],
      'refused: hooks.example.com resolves to fd00:ec2::254, the cloud metadata address (fd00:ec2::254)',
    ],
    [
      ['::ffff:192.168.1.20'],
      'refused: hooks.example.com resolves to ::ffff:192.168.1.20, a private address (192.168.0.0/16) in IPv4-mapped IPv6 form',
    ],
  ])('refuses a name any of whose addresses %j is refused, sending nothing', async (addresses, error) => {
    const result = await postWebhook(new URL('http://hooks.example.com/'), body, headers, {
      policy: local,
      resolve: resolvingTo(...addresses),
    });
    expect(result).toEqual({ ok: false, error, elapsedMs: expect.any(Number) });
  });

  it('sends plain http under the loopback-only policy of npm start only to addresses of this machine', async () => {
    const loopbackOnly: UrlPolicy = { allowHttp: false, allowLoopback: true };
    const target = await receiver(answering(200));
    // A name under .localhost, or localhost itself, that DNS answers with a public address.
    for (const name of ['hooks.localhost', 'localhost.']) {
      const refused = await postWebhook(target.url('/hook', name), body, headers, {
        policy: loopbackOnly,
        resolve: resolvingTo('93.184.216.34'),
      });
      expect(refused).toEqual({
        ok: false,
        error: `refused: ${name} resolves to 93.184.216.34: plain http goes only to this machine`,
        elapsedMs: expect.any(Number),
      });
    }
    expect(target.connections).toBe(0);
    const delivered = await postWebhook(target.url('/hook', 'hooks.localhost'), body, headers, {
      policy: loopbackOnly,
      resolve: resolvingTo('127.0.0.1'),
    });
    expect(delivered).toMatchObject({ ok: true, status: 200 });
  });

  it('connects to the very address it checked, never asking DNS again, with the name as Host', async () => {
    const target = await receiver(answering(200));
    // `.invalid` never resolves (RFC 6761): reaching the receiver proves the socket used the checked address.
    const resolve = resolvingTo('127.0.0.1');
    const result = await postWebhook(target.url('/hook', 'receiver.invalid'), body, headers, { policy: local, resolve });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(resolve.calls).toEqual(['receiver.invalid']);
    expect(target.hits[0]?.headers.host).toBe(`receiver.invalid:${target.port}`);
  });

  it('keeps the name for TLS SNI while connecting to the checked address', async () => {
    const names: string[] = [];
    const tls = createTlsServer({
      SNICallback: (servername, done) => {
        names.push(servername);
        done(new Error('no certificate for this test'));
      },
    });
    tls.on('tlsClientError', () => undefined);
    const port = await listening(tls);
    const result = await postWebhook(new URL(`https://receiver.invalid:${port}/hook`), body, headers, {
      policy: local,
      resolve: resolvingTo('127.0.0.1'),
    });
    expect(names).toEqual(['receiver.invalid']);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^request failed: /) });
  });

  it('reports a name that does not resolve', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), { code: 'ENOTFOUND' });
    };
    const result = await postWebhook(new URL('https://hooks.example.com/'), body, headers, { policy: local, resolve: failing });
    expect(result).toEqual({ ok: false, error: 'could not resolve hooks.example.com: ENOTFOUND', elapsedMs: expect.any(Number) });
  });

  it('reports a receiver that is down', async () => {
    const target = await receiver(answering(200));
    const port = target.port;
    await new Promise<void>((done) => servers.pop()!.close(() => done()));
    const result = await postWebhook(new URL(`http://127.0.0.1:${port}/hook`), body, headers, { policy: local });
    expect(result).toEqual({
      ok: false,
      error: `request failed: connect ECONNREFUSED 127.0.0.1:${port}`,
      elapsedMs: expect.any(Number),
    });
  });

  it('checks the URL again before sending: http where only https is allowed', async () => {
    const target = await receiver(answering(200));
    const result = await postWebhook(target.url(), body, headers, { policy: { allowHttp: false, allowLoopback: false } });
    await settleQuietly();
    expect(result).toEqual({ ok: false, error: 'refused: Only https URLs are allowed.', elapsedMs: expect.any(Number) });
    expect(target.connections).toBe(0);
  });
});
