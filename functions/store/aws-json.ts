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
 * `$metadata.httpStatusCode`; throttling, 5xx answers, timeouts and dropped connections
 * are retried (`maxAttempts` in all, full-jitter backoff) before they are thrown.
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

/** The error names that mean "ask again later", as the SDK's standard retry knows them. */
const throttling = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'TransactionInProgressException',
]);
const transientCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** Whether the SDK would have retried this error by itself. */
export function isRetryable(error: unknown): boolean {
  // Not `instanceof Error`: Node's own errors (a refused connection) may come from another realm.
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: string; code?: string };
  if (name === 'TimeoutError' || transientCodes.has(code ?? '') || throttling.has(name ?? '')) return true;
  return error instanceof AwsServiceError && error.$fault === 'server';
}

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 20_000;

export class AwsJsonClient {
  private readonly url: URL;
  private readonly region: string;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly contentType: string;
  private readonly maxAttempts: number;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;

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
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(operation, body);
      } catch (error) {
        if (attempt >= this.maxAttempts || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)));
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
      request.setTimeout(this.requestTimeoutMs, () => fail(`no answer from ${url.host} within ${this.requestTimeoutMs} ms`));
      request.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => fail(`no connection to ${url.host} within ${this.connectTimeoutMs} ms`), this.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      request.on('error', reject);
      request.on('response', (response) => answer(response).then(resolve, reject));
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
    if (status < 300) throw new AwsServiceError('SerializationException', 500, { message: 'the answer is not JSON' });
  }
  if (status >= 200 && status < 300) return parsed;
  // `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`, or the header's `Name:namespace`.
  const type = (typeof parsed.__type === 'string' ? parsed.__type : String(response.headers['x-amzn-errortype'] ?? '')).split(':')[0]!;
  const name = type.slice(type.lastIndexOf('#') + 1) || (status >= 500 ? 'InternalServerError' : 'UnknownError');
  throw new AwsServiceError(name, status, parsed);
}
