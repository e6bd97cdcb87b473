import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsJsonClient, AwsServiceError, isRetryable } from '../../functions/store/aws-json';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A fake service: answers each request with the next of `answers` (status, body), recording what it saw. */
let server: Server;
let endpoint: string;
let answers: Array<[number, unknown] | 'hang'>;
let seen: Seen[];
beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = answers.shift() ?? [200, {}];
      if (next === 'hang') return;
      response.writeHead(next[0], { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(next[1]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  answers = [];
  seen = [];
});

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session' };
let client: AwsJsonClient;
const saved = { ...process.env };
beforeEach(() => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
  });
  client = new AwsJsonClient({
    service: 'dynamodb',
    target: 'DynamoDB_20120810',
    version: '1.0',
    endpoint,
    region: 'eu-west-1',
    requestTimeoutMs: 300,
  });
});
afterEach(() => {
  client.close();
  process.env = { ...saved };
});

/** The SDK's own signer, for comparison. */
class Sha256 {
  private readonly hash;
  constructor(secret?: Uint8Array | string) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: Uint8Array | string) {
    this.hash.update(data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

describe('the AWS JSON protocol client', () => {
  it('posts the operation as X-Amz-Target with JSON, signed as the SDK signs it (SigV4 with the session token)', async () => {
    answers = [[200, { Item: { pk: { S: 'a' } } }]];
    expect(await client.call('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } })).toEqual({ Item: { pk: { S: 'a' } } });
    const [{ headers, body }] = seen as [Seen];
    expect(headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(headers['x-amz-security-token']).toBe('session');
    expect(JSON.parse(body)).toEqual({ TableName: 't', Key: { pk: { S: 'a' } } });

    const authorization = String(headers.authorization);
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'content-type', 'x-amz-security-token']));
    const stamp = String(headers['x-amz-date']);
    const signingDate = new Date(
      `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`,
    );
    const signer = new SignatureV4({
      service: 'dynamodb',
      region: 'eu-west-1',
      credentials,
      sha256: Sha256 as never,
      applyChecksum: false,
    });
    const expected = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: '/',
        headers: Object.fromEntries(signedHeaders.map((name) => [name, String(headers[name])])),
        body,
      },
      { signingDate },
    );
    expect(authorization).toBe(expected.headers.authorization);
  });

  it("throws the service's error by name, with the body's fields, its fault and status, without retrying a client error", async () => {
    const reasons = [{ Code: 'ConditionalCheckFailed', Item: { pk: { S: 'a' } } }, { Code: 'None' }];
    answers = [
      [
        400,
        {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
          CancellationReasons: reasons,
        },
      ],
    ];
    const error = await client.call('TransactWriteItems', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({
      name: 'TransactionCanceledException',
      message: expect.stringContaining('Transaction cancelled'),
      CancellationReasons: reasons,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(seen).toHaveLength(1);
  });

  it('retries throttling and server errors up to its attempts, then throws the last', async () => {
    const throttled = [
      400,
      { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' },
    ] as [number, unknown];
    answers = [throttled, [500, { __type: 'com.amazon.coral.service#InternalServerError' }], [200, { Count: 3 }]];
    expect(await client.call('Query', {})).toEqual({ Count: 3 });
    expect(seen).toHaveLength(3);

    seen = [];
    answers = [throttled, throttled, throttled, [200, {}]];
    await expect(client.call('Query', {})).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException', message: 'slow down' });
    expect(seen).toHaveLength(3);
  });

  it('ends an attempt whose answer does not come, as a retryable TimeoutError', async () => {
    answers = ['hang', [200, { ok: true }]];
    expect(await client.call('GetItem', {})).toEqual({ ok: true });
    expect(seen).toHaveLength(2);

    answers = ['hang', 'hang', 'hang'];
    await expect(client.call('GetItem', {})).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('names an error from the header when the body has no type, and tells what it would retry', async () => {
    answers = [[503, {}]];
    const single = new AwsJsonClient({ service: 's', target: 'T', version: '1.1', endpoint, region: 'r', maxAttempts: 1 });
    try {
      await expect(single.call('X', {})).rejects.toMatchObject({ name: 'InternalServerError', $fault: 'server' });
      expect(seen[0]!.headers['content-type']).toBe('application/x-amz-json-1.1');
    } finally {
      single.close();
    }
    expect(isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(new AwsServiceError('ConditionalCheckFailedException', 400, {}))).toBe(false);
    expect(isRetryable(new AwsServiceError('ValidationException', 400, {}))).toBe(false);
    expect(isRetryable('nothing')).toBe(false);
  });

  it("is for a region's endpoint unless told another", () => {
    expect(() => new AwsJsonClient({ service: 'dynamodb', target: 'D', version: '1.0', region: '' })).toThrow('AWS_REGION is not set');
  });
});
