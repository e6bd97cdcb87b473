import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { AwsJsonClient, AwsServiceError, isRetryable, isThrottling } from '../../functions/store/aws-json';
import { DynamoDb } from '../../functions/store/dynamodb';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A fake service: answers each request with the next of `answers` (status, body), recording what it saw. */
let server: Server;
let endpoint: string;
let answers: Array<[number, unknown] | 'hang' | [number, string, 'raw']>;
let seen: Seen[];
beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = answers.shift() ?? [200, {}];
      if (next === 'hang') return;
      const text = next[2] === 'raw' ? (next[1] as string) : JSON.stringify(next[1]);
      response.writeHead(next[0], { 'content-type': 'application/x-amz-json-1.0' }).end(text);
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

  it('retries what the SDK retries, and only that: 429 and 500/502/503/504, not 501 or an answer that is not JSON', async () => {
    answers = [
      [429, {}],
      [502, {}],
      [200, { ok: 1 }],
    ];
    expect(await client.call('Query', {})).toEqual({ ok: 1 });
    expect(seen).toHaveLength(3);

    seen = [];
    answers = [[501, { __type: 'NotImplemented' }]];
    await expect(client.call('Query', {})).rejects.toMatchObject({ name: 'NotImplemented', $fault: 'server' });
    expect(seen).toHaveLength(1);

    // A write that answered may have been applied: its garbled answer is not a reason to send it again.
    seen = [];
    answers = [[200, '<html>', 'raw']];
    await expect(client.call('UpdateItem', {})).rejects.toMatchObject({ name: 'SerializationException', $fault: 'client' });
    expect(seen).toHaveLength(1);

    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']) {
      expect({ code, retried: isRetryable(Object.assign(new Error(code), { code })) }).toEqual({ code, retried: true });
    }
    expect(isThrottling(new AwsServiceError('LimitExceededException', 400, {}))).toBe(true);
    expect(isThrottling(new AwsServiceError('Whatever', 429, {}))).toBe(true);
    expect(isThrottling(new AwsServiceError('ValidationException', 400, {}))).toBe(false);
  });

  it('stops retrying once its retry quota is spent, and earns it back with calls that succeed', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    try {
      // 500 tokens, 5 a retry: a hundred retries, then failures are thrown at the first attempt.
      answers = Array.from({ length: 150 }, () => [500, {}] as [number, unknown]);
      for (let call = 0; call < 50; call++) await expect(client.call('Query', {})).rejects.toMatchObject({ name: 'InternalServerError' });
      expect(seen).toHaveLength(150);
      seen = [];
      answers = [[500, {}]];
      await expect(client.call('Query', {})).rejects.toMatchObject({ name: 'InternalServerError' });
      expect(seen).toHaveLength(1);
      // Each call answered at once gives one token back; five of them pay for one retry.
      seen = [];
      answers = Array.from({ length: 5 }, () => [200, {}] as [number, unknown]);
      for (let call = 0; call < 5; call++) await client.call('Query', {});
      answers = [
        [500, {}],
        [200, { ok: 1 }],
      ];
      expect(await client.call('Query', {})).toEqual({ ok: 1 });
      expect(seen).toHaveLength(7);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('times an answer from the request until its headers, however busy the connection', async () => {
    // A server that sends its status line one byte every 50 ms: the socket is never idle.
    const trickling = createTcpServer((socket) => {
      const line = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
      let at = 0;
      const timer = setInterval(() => (at < line.length ? socket.write(line[at++]!) : clearInterval(timer)), 50);
      socket.on('close', () => clearInterval(timer));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => trickling.listen(0, '127.0.0.1', resolve));
    const slow = new AwsJsonClient({
      service: 'dynamodb',
      target: 'DynamoDB_20120810',
      version: '1.0',
      endpoint: `http://127.0.0.1:${(trickling.address() as AddressInfo).port}`,
      region: 'eu-west-1',
      requestTimeoutMs: 300,
      maxAttempts: 1,
    });
    try {
      const started = Date.now();
      await expect(slow.call('GetItem', {})).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      slow.close();
      await new Promise((resolve) => trickling.close(resolve));
    }
  });

  it('gives a transaction sent without one a client request token, which its retries resend, and keeps a given one', async () => {
    const dynamoDb = new DynamoDb({ endpoint, region: 'eu-west-1' });
    try {
      answers = [
        [500, {}],
        [200, {}],
      ];
      await dynamoDb.send('TransactWriteItems', { TransactItems: [] });
      const tokens = seen.map(({ body }) => (JSON.parse(body) as { ClientRequestToken?: string }).ClientRequestToken);
      expect(tokens).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), tokens[0]]);

      seen = [];
      await dynamoDb.send('TransactWriteItems', { TransactItems: [] });
      expect(JSON.parse(seen[0]!.body).ClientRequestToken).not.toBe(tokens[0]);
      seen = [];
      await dynamoDb.send('TransactWriteItems', { TransactItems: [], ClientRequestToken: 'mine' });
      await dynamoDb.send('PutItem', { TableName: 't', Item: { pk: 'a' } });
      expect(seen.map(({ body }) => JSON.parse(body).ClientRequestToken)).toEqual(['mine', undefined]);
    } finally {
      dynamoDb.close();
    }
  });

  it("is for a region's endpoint unless told another", () => {
    expect(() => new AwsJsonClient({ service: 'dynamodb', target: 'D', version: '1.0', region: '' })).toThrow('AWS_REGION is not set');
  });
});
