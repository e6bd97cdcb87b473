/**
 * One webhook POST, guarded against server-side request forgery: the URL is checked again
 * (`checkWebhookUrl`), the host name is resolved once, every address it resolves to must
 * pass `refusedAddressReason`, and the socket connects only to those checked addresses (a
 * `lookup` that answers them instead of asking DNS a second time), so a name that changes
 * its answer between check and connect (DNS rebinding) gains nothing. TLS SNI and the Host
 * header stay the URL's name. Redirects are never followed, the whole exchange has one
 * deadline, and at most a small part of the answer is read.
 *
 * Why not `request-filtering-agent` (evaluated at 3.2.1; its mechanism is the same, a
 * `lookup` wrapper that vets what DNS answers before the socket connects):
 * - it ships as ES modules only, which this project's Jest (CommonJS through ts-jest,
 *   node_modules untransformed) cannot load, so the guard could not be tested where the
 *   rest of the delivery code is;
 * - its verdict comes from ipaddr.js's ranges, not from the domain's `refusedAddressReason`,
 *   so registration and delivery would judge by two different lists: it lets the
 *   IPv4-compatible `::7f00:1` (loopback) and `::a9fe:a9fe` (metadata) through as "unicast",
 *   and refuses public addresses in NAT64 and 6to4 form that registration accepts;
 * - its errors say "private IP address" whatever the range, where the delivery log should
 *   name it.
 * What it would contribute is the few lines of `pinnedLookup` below, driven here by the same
 * function that judges URLs at registration.
 */
import { type LookupAddress, promises as dns } from 'node:dns';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { ValidationFailed } from '../domain/errors';
import { checkWebhookUrl, isLoopbackAddress, refusedAddressReason, type UrlPolicy } from '../domain/webhook-urls';

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface PostOptions {
  policy: UrlPolicy;
  /** The deadline of the whole exchange: resolving, connecting, TLS, the answer. @default 10_000 */
  timeoutMs?: number;
  /** How much of the answer's body is read at most; the rest is never waited for. @default 4096 */
  maxResponseBytes?: number;
  /** Name resolution (tests name hosts that resolve where they choose). @default the system resolver, all addresses */
  resolve?: Resolver;
}

export interface PostResult {
  /** A 2xx answer came within the deadline. */
  ok: boolean;
  /** The receiver's status code, when it answered. */
  status?: number;
  /** Why it is not ok. */
  error?: string;
  /** The start of the answer's body (up to `excerptLength` characters), when it answered. */
  excerpt?: string;
  elapsedMs: number;
}

export const defaultTimeoutMs = 10_000;
export const defaultMaxResponseBytes = 4096;
export const excerptLength = 256;

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

type Outcome = Omit<PostResult, 'elapsedMs'>;

/**
 * POSTs `body` with `headers` to `url`, answering what happened; never throws for anything
 * the receiver, the network or the URL does.
 *
 * 1. Checks the URL again under `policy` (it was valid when registered; the policy or the
 *    rules may have changed since).
 * 2. Resolves the host (an IP literal stands for itself) and refuses, sending nothing, if
 *    any of its addresses is refused.
 * 3. Connects to those addresses only, with the URL's name for SNI and Host.
 * 4. Reads the status and at most `maxResponseBytes` of the body; a 3xx is a failure
 *    (redirects are not followed), so is any other non-2xx, and so is the deadline passing
 *    at any step.
 */
export async function postWebhook(url: URL, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const finish = (outcome: Outcome): PostResult => ({
    ...(Object.fromEntries(Object.entries(outcome).filter(([, value]) => value !== undefined)) as Outcome),
    elapsedMs: Math.round(performance.now() - started),
  });

  try {
    checkWebhookUrl(url.href, options.policy);
  } catch (error) {
    if (error instanceof ValidationFailed) return finish({ ok: false, error: `refused: ${Object.values(error.fields).flat().join(' ')}` });
    throw error;
  }

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const timedOut = `timed out after ${timeoutMs} ms`;
  try {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const resolved = await resolveWithin(host, options.resolve ?? systemResolver, deadline.signal);
    if (resolved === 'aborted') return finish({ ok: false, error: timedOut });
    if ('error' in resolved) return finish({ ok: false, error: resolved.error });
    for (const { address } of resolved.addresses) {
      const reason = refusedAddressReason(address, options.policy);
      if (reason !== undefined)
        return finish({
          ok: false,
          error: address === host ? `refused: ${host} is ${reason}` : `refused: ${host} resolves to ${address}, ${reason}`,
        });
      // Where only loopback allows plain http, the name must lead to this machine too.
      if (url.protocol === 'http:' && !options.policy.allowHttp && !isLoopbackAddress(address)) {
        return finish({ ok: false, error: `refused: ${host} resolves to ${address}: plain http goes only to this machine` });
      }
    }
    return finish(
      await send(url, body, headers, resolved.addresses, {
        signal: deadline.signal,
        timedOut,
        maxResponseBytes: options.maxResponseBytes ?? defaultMaxResponseBytes,
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}

async function resolveWithin(
  host: string,
  resolve: Resolver,
  signal: AbortSignal,
): Promise<{ addresses: readonly LookupAddress[] } | { error: string } | 'aborted'> {
  const family = isIP(host);
  if (family !== 0) return { addresses: [{ address: host, family }] };
  // A look-up cannot be cancelled; past the deadline its answer is simply not used.
  const aborted = new Promise<'aborted'>((settle) => signal.addEventListener('abort', () => settle('aborted'), { once: true }));
  const lookedUp = resolve(host).then(
    (addresses) => (addresses.length > 0 ? { addresses } : { error: `could not resolve ${host}: no address` }),
    (error: unknown) => ({ error: `could not resolve ${host}: ${codeOf(error)}` }),
  );
  return Promise.race([lookedUp, aborted]);
}

/** A `lookup` for the socket that answers the addresses already checked, and never asks DNS. */
function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = family === 4 || family === 6 ? addresses.filter((entry) => entry.family === family) : [...addresses];
    const first = usable[0];
    if (first === undefined) callback(Object.assign(new Error(`no checked address of family ${family}`), { code: 'ENOTFOUND' }), '');
    else if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };
}

function send(
  url: URL,
  body: string,
  headers: Record<string, string>,
  addresses: readonly LookupAddress[],
  limits: { signal: AbortSignal; timedOut: string; maxResponseBytes: number },
): Promise<Outcome> {
  return new Promise((settle) => {
    let status: number | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const excerpt = () => (status === undefined ? undefined : Buffer.concat(chunks).toString('utf8').slice(0, excerptLength));
    const failed = (error: string): Outcome => ({ ok: false, status, excerpt: excerpt(), error });
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      limits.signal.removeEventListener('abort', onDeadline);
      request.destroy();
      settle(outcome);
    };
    const onDeadline = () => finish(failed(limits.timedOut));
    if (limits.signal.aborted) return settle(failed(limits.timedOut));

    let request: ClientRequest;
    try {
      request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(addresses),
        // A fresh connection each time: no pooled socket outlives the addresses it was checked for.
        agent: false,
      });
    } catch (error) {
      // Only a header that Node refuses to send gets here, before any connection.
      return settle(failed(`request failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    limits.signal.addEventListener('abort', onDeadline, { once: true });
    request.on('error', (error) => finish(failed(`request failed: ${error.message}`)));
    request.on('response', (response: IncomingMessage) => {
      const answered = response.statusCode ?? 0;
      status = answered;
      const done = () => finish(judge(answered, response.headers.location, excerpt() ?? ''));
      response.on('data', (chunk: Buffer) => {
        const room = limits.maxResponseBytes - size;
        const kept = chunk.subarray(0, Math.max(room, 0));
        chunks.push(kept);
        size += kept.length;
        // Enough: the rest of the answer is never read (destroying the request closes the socket).
        if (size >= limits.maxResponseBytes) done();
      });
      response.on('end', done);
      response.on('error', (error) => finish(failed(`request failed: ${error.message}`)));
    });
    request.end(body);
  });
}

function judge(status: number, location: string | undefined, excerpt: string): Outcome {
  if (status >= 200 && status < 300) return { ok: true, status, excerpt };
  if (status >= 300 && status < 400)
    return { ok: false, status, excerpt, error: `redirects are not followed (${status}${location ? ` to ${location}` : ''})` };
  return { ok: false, status, excerpt, error: `the receiver answered ${status}` };
}

function codeOf(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
