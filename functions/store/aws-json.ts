/**
 * AWS's JSON protocol, spoken directly: one signed POST per operation, its name in
 * `X-Amz-Target`, JSON both ways, over one keep-alive connection pool. DynamoDB, KMS, SQS
 * and EventBridge all speak it. The SDK's generic client runtime (schemas, endpoint rules,
 * every protocol's serialisers) made up some 200 KB of each function's bundle and a third
 * of the CPU a request cost; what these services need of it is this file, with SigV4 from
 * `aws4` and the credentials Lambda puts in the environment.
 *
 * It keeps the SDK's behaviour where callers rely on it: errors carry the service's error
 * name as `name` and the body's fields (`CancellationReasons`, `Item`), `$fault` and
 * `$metadata.httpStatusCode`; what the SDK's standard retry strategy retries (throttling,
 * 500/502/503/504, timeouts, dropped or refused connections) is retried the same way:
 * `maxAttempts` in all, full-jitter backoff (longer after throttling), and a retry quota
 * shared by the client's calls, so that an outage does not multiply every call by its
 * attempts. A request's timeout runs from its start (waiting for a pooled socket
 * included) until the answer's headers, then while the body is silent.
 *
 * Not kept from the SDK: its correction of a skewed clock (Lambda's is synchronised), and
 * endpoints other than the region's standard one in the aws and aws-cn partitions (no
 * FIPS, dual-stack or isolated regions): the stack deploys to a standard region, and
 * `endpoint` names any other.
 */
import aws4 from 'aws4';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface AwsJsonOptions {
  /** The service's signing name: `dynamodb`, `kms`, `sqs`, `events`. */
  service: string;
  /** The prefix of `X-Amz-Target`: `DynamoDB_20120810`, `TrentService`, `AmazonSQS`, `AWSEvents`. */
  target: string;
  /** The protocol's version: DynamoDB and SQS speak 1.0, KMS and EventBridge 1.1. */
  version: '1.0' | '1.1';
  /** Endpoint override (DynamoDB Local). @default https://{service}.{region}.amazonaws.com */
  endpoint?: string;
  /** @default AWS_REGION */
  region?: string;
  /** Attempts in all, the first included. @default 3 */
  maxAttempts?: number;
  /** A connection not made by then fails (and is retried). @default 1000 */
  connectTimeoutMs?: number;
  /** An answer silent for this long fails (and is retried). @default 5000 */
  requestTimeoutMs?: number;
}

/** An error answered by an AWS service, shaped as the SDK shapes it. */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number };
  [field: string]: unknown;

  constructor(name: string, status: number, fields: Record<string, unknown>) {
    const { message, Message, __type: _type, ...rest } = fields;
    super(typeof message === 'string' ? message : typeof Message === 'string' ? Message : name);
    Object.assign(this, rest);
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status };
  }
}

/** What the SDK's standard retry strategy classifies as throttling, transient, or a network failure. */
const throttlingNames = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const transientNames = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const transientStatuses = new Set([500, 502, 503, 504]);
const networkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

const statusOf = (error: unknown) => (error instanceof AwsServiceError ? error.$metadata.httpStatusCode : undefined);

/** Throttling: retried after a longer wait. */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return throttlingNames.has((error as { name?: string }).name ?? '') || statusOf(error) === 429;
}

/** Whether the SDK would have retried this error by itself. */
export function isRetryable(error: unknown): boolean {
  // Not `instanceof Error`: Node's own errors (a refused connection) may come from another realm.
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: string; code?: string };
  if (transientNames.has(name ?? '') || networkCodes.has(code ?? '') || isThrottling(error)) return true;
  return transientStatuses.has(statusOf(error) ?? 0);
}

/** The SDK's backoff bases and retry quota (`@smithy/core`'s retry constants). */
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;
const RETRY_QUOTA = 500;
const RETRY_COST = 5;
const TIMEOUT_RETRY_COST = 10;

export class AwsJsonClient {
  private readonly url: URL;
  private readonly region: string;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly contentType: string;
  private readonly maxAttempts: number;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  /** Retries left to this client: spent by each retry, given back by calls that succeed. */
  private retryQuota = RETRY_QUOTA;

  constructor(private readonly options: AwsJsonOptions) {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('AWS_REGION is not set: the region of the AWS services to call');
    this.region = region;
    const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    this.url = new URL(options.endpoint ?? `https://${options.service}.${region}.${suffix}`);
    const secure = this.url.protocol === 'https:';
    // As many sockets as the SDK's handler allowed (50); idle ones kept for the next call.
    this.agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 50 }) : new HttpAgent({ keepAlive: true, maxSockets: 50 });
    this.send = secure ? httpsRequest : httpRequest;
    this.contentType = `application/x-amz-json-${options.version}`;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 1_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  }

  /** Closes the pooled connections (a container never needs to; tests and tools do). */
  close(): void {
    this.agent.destroy();
  }

  /** Calls `operation` with `input`; answers the parsed body, or throws the service's error. */
  async call(operation: string, input: unknown): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    let spent = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.attempt(operation, body);
        this.retryQuota = Math.min(RETRY_QUOTA, this.retryQuota + (spent || 1));
        return answer;
      } catch (error) {
        if (attempt >= this.maxAttempts || !isRetryable(error)) throw error;
        const { name, code } = error as { name?: string; code?: string };
        spent = name === 'TimeoutError' || networkCodes.has(code ?? '') ? TIMEOUT_RETRY_COST : RETRY_COST;
        if (this.retryQuota < spent) throw error;
        this.retryQuota -= spent;
        const base = isThrottling(error) ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1))));
      }
    }
  }

  private attempt(operation: string, body: string): Promise<Record<string, unknown>> {
    const { url } = this;
    const signed = aws4.sign(
      {
        service: this.options.service,
        region: this.region,
        method: 'POST',
        host: url.host,
        path: url.pathname,
        headers: { 'Content-Type': this.contentType, 'X-Amz-Target': `${this.options.target}.${operation}` },
        body,
      },
      {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
        ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
      },
    );
    return new Promise((resolve, reject) => {
      const request = this.send({
        agent: this.agent,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        method: 'POST',
        path: url.pathname,
        headers: { ...(signed.headers as Record<string, string>), 'Content-Length': Buffer.byteLength(body) },
      });
      const fail = (message: string) => request.destroy(Object.assign(new Error(message), { name: 'TimeoutError' }));
      const silent = () => fail(`no answer from ${url.host} within ${this.requestTimeoutMs} ms`);
      // From now until the answer's headers (a wait for a pooled socket included), then while its body is silent.
      const answerTimer = setTimeout(silent, this.requestTimeoutMs);
      request.once('close', () => clearTimeout(answerTimer));
      request.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => fail(`no connection to ${url.host} within ${this.connectTimeoutMs} ms`), this.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      request.on('error', reject);
      request.on('response', (response) => {
        clearTimeout(answerTimer);
        request.setTimeout(this.requestTimeoutMs, silent);
        answer(response).then(resolve, reject);
      });
      request.end(body);
    });
  }
}

/** The answer's parsed body, or the service's error. */
async function answer(response: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const status = response.statusCode ?? 0;
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // Not retried: a write that answered may have been applied.
    if (status < 300) throw new AwsServiceError('SerializationException', status, { message: 'the answer is not JSON' });
  }
  if (status >= 200 && status < 300) return parsed;
  // `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`, or the header's `Name:namespace`.
  const type = (typeof parsed.__type === 'string' ? parsed.__type : String(response.headers['x-amzn-errortype'] ?? '')).split(':')[0]!;
  const name = type.slice(type.lastIndexOf('#') + 1) || (status >= 500 ? 'InternalServerError' : 'UnknownError');
  throw new AwsServiceError(name, status, parsed);
}
