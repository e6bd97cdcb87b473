import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { localClient } from '../../local/table';
import { uniqueUser } from '../support/api';
import { enginePidOf } from '../support/engine';
import { httpClient } from '../support/http-client';
import { integrityOf } from '../support/integrity';
import { type LocalServer, runLocalMain, startLocalServer } from '../support/local-server';

jest.setTimeout(120_000);

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
});

afterAll(async () => {
  // After the concurrent sign-ups: every guard names its user and every user has both.
  expect(await integrityOf({ endpoint: server.dynamoDbEndpoint, accessKeyId: server.accessKeyId, table: 'calendar' })).toEqual([]);
  await server?.stop();
});

const request = httpClient(() => server.url);

function cookiesFrom(headers: Headers): Record<string, string> {
  return Object.fromEntries(headers.getSetCookie().map((line) => line.split(';')[0]!.split('=') as [string, string]));
}

describe('the local server', () => {
  it('prints its URL and answers health', async () => {
    expect(server.url).toBe(`http://localhost:${server.port}`);
    expect(server.output()).toContain(`Calendar API listening on http://localhost:${server.port} (`);
    const response = await request('GET', '/api/health/');
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('is quiet by default: no access log or metrics line for a request that went well', async () => {
    // As a newcomer runs it: none of the settings the tests quiet their own runs with.
    const kept = { level: process.env.POWERTOOLS_LOG_LEVEL, metrics: process.env.POWERTOOLS_METRICS_DISABLED };
    delete process.env.POWERTOOLS_LOG_LEVEL;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    let quiet: LocalServer;
    try {
      quiet = await startLocalServer({ BCRYPT_ROUNDS: '4' });
    } finally {
      if (kept.level !== undefined) process.env.POWERTOOLS_LOG_LEVEL = kept.level;
      if (kept.metrics !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = kept.metrics;
    }
    try {
      const call = httpClient(() => quiet.url);
      const alice = uniqueUser('quiet');
      expect((await call('POST', '/api/user/sign_up/', { body: alice })).status).toBe(201);
      const login = await call('POST', '/api/user/login/', { body: { username: alice.username, password: alice.password } });
      const booking = await call('POST', '/api/event/', {
        headers: { authorization: `Token ${login.body.auth_token}` },
        body: { title: 'Quiet', description: '', time_slot: '2031-03-04 10:00:00', participants: [] },
      });
      expect(booking.status).toBe(201);
      const lines = quiet.output().split('\n');
      expect(lines.filter((line) => line.includes('"message":"request"') || line.includes('"_aws"'))).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });

  it('signs up, logs in, authenticates by token and logs out over HTTP', async () => {
    const candidate = uniqueUser('e2e');
    expect((await request('POST', '/api/user/sign_up/', { body: candidate })).status).toBe(201);
    const login = await request('POST', '/api/user/login/', { body: { username: candidate.username, password: candidate.password } });
    expect(login.status).toBe(200);
    const auth = { authorization: `Token ${login.body.auth_token}` };
    expect((await request('GET', '/api/user/get_detail/', { headers: auth })).body.user.username).toBe(candidate.username);
    expect((await request('POST', '/api/user/logout/', { headers: auth })).body).toEqual({ logged_out: true });
    const after = await request('GET', '/api/user/get_detail/', { headers: auth });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Token');
  });

  it('authenticates by session cookie and demands the CSRF header on unsafe methods', async () => {
    const candidate = uniqueUser('e2esession');
    await request('POST', '/api/user/sign_up/', { body: candidate });
    const login = await request('POST', '/api/user/login/', { body: { username: candidate.username, password: candidate.password } });
    const cookies = cookiesFrom(login.headers);
    const cookie = `sessionid=${cookies.sessionid}; csrftoken=${cookies.csrftoken}`;

    expect((await request('GET', '/api/user/get_detail/', { headers: { cookie } })).status).toBe(200);
    const withoutCsrf = await request('POST', '/api/user/logout/', { headers: { cookie } });
    expect(withoutCsrf).toMatchObject({ status: 403, body: { detail: 'CSRF Failed: CSRF token missing.' } });
    const withCsrf = await request('POST', '/api/user/logout/', { headers: { cookie, 'x-csrftoken': cookies.csrftoken! } });
    expect(withCsrf.status).toBe(200);
    expect((await request('GET', '/api/user/get_detail/', { headers: { cookie } })).status).toBe(401);
  });

  it('lets exactly one of many concurrent sign-ups with one email succeed, round after round', async () => {
    for (let round = 0; round < 3; round++) {
      const shared = uniqueUser('race');
      const attempts = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          request('POST', '/api/user/sign_up/', {
            body: { ...uniqueUser(`racer${i}`), email: i % 2 ? shared.email : shared.email.toUpperCase() },
          }),
        ),
      );
      const statuses = attempts.map((attempt) => attempt.status).sort();
      expect(statuses).toEqual([201, ...Array(15).fill(400)]);
      for (const refused of attempts.filter((attempt) => attempt.status === 400)) {
        expect(refused.body.email).toEqual(['user with this email already exists.']);
      }
    }
  });

  it('lets exactly one of many concurrent sign-ups with one username succeed', async () => {
    const shared = uniqueUser('samename');
    const attempts = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        request('POST', '/api/user/sign_up/', {
          body: { ...uniqueUser(`other${i}`), username: i % 2 ? shared.username : shared.username.toUpperCase() },
        }),
      ),
    );
    expect(attempts.map((attempt) => attempt.status).sort()).toEqual([201, ...Array(15).fill(400)]);
    for (const refused of attempts.filter((attempt) => attempt.status === 400)) {
      expect(refused.body.username).toEqual(['A user with that username already exists.']);
    }
  });

  it('answers unknown routes and wrong methods in the contract shape', async () => {
    expect(await request('GET', '/nowhere')).toMatchObject({ status: 404, body: { detail: 'Not found.' } });
    const wrong = await request('PUT', '/api/user/sign_up/');
    expect(wrong).toMatchObject({ status: 405, body: { detail: 'Method "PUT" not allowed.' } });
  });
});

/** Polls `condition` until it holds or `ms` pass; answers whether it held. */
async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** A login sent from another loopback address (the server sees it as the source address). */
function loginFrom(localAddress: string, body: { username: string; password: string }): Promise<number> {
  const url = new URL('/api/user/login/', server.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

describe('the login guard, from real source addresses', () => {
  it('refuses the address that failed, not the victim logging in from another', async () => {
    const victim = uniqueUser('victim');
    expect((await request('POST', '/api/user/sign_up/', { body: victim })).status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const name = i % 2 === 0 ? victim.username : victim.username.toUpperCase();
      statuses.push(await loginFrom('127.0.0.2', { username: name, password: `wrong-password-${i}` }));
    }
    expect(statuses).toEqual(Array(10).fill(401));
    expect(await loginFrom('127.0.0.2', { username: victim.username, password: victim.password })).toBe(429);
    expect(await loginFrom('127.0.0.3', { username: victim.username, password: victim.password })).toBe(200);
  });
});

describe('its DynamoDB Local, reachable from the network', () => {
  const tablesSeenWith = async (accessKeyId: string) =>
    (await localClient(server.dynamoDbEndpoint, accessKeyId).send(new ListTablesCommand({}))).TableNames ?? [];

  it("shows the service's table only to a client with the server's own access key", async () => {
    const candidate = uniqueUser('hidden');
    expect((await request('POST', '/api/user/sign_up/', { body: candidate })).status).toBe(201);
    expect(await tablesSeenWith(server.accessKeyId)).toEqual(['calendar']);
    for (const stranger of ['local', 'AKIAIOSFODNN7EXAMPLE', `${server.accessKeyId}0`]) expect(await tablesSeenWith(stranger)).toEqual([]);
  });

  it('chooses a random key of its own when none is given, and keeps it with persisted data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'calendar-data-'));
    const first = await startLocalServer({ BCRYPT_ROUNDS: '4', DATA_DIR: dataDir, DYNAMODB_LOCAL_ACCESS_KEY: '' });
    const key = readFileSync(join(dataDir, '.access-key'), 'utf8').trim();
    const candidate = uniqueUser('persisted');
    try {
      expect(key).toMatch(/^local[0-9a-f]{32}$/);
      expect(statSync(join(dataDir, '.access-key')).mode & 0o077).toBe(0);
      expect((await httpClient(() => first.url)('POST', '/api/user/sign_up/', { body: candidate })).status).toBe(201);
      const seen = await localClient(first.dynamoDbEndpoint, 'local').send(new ListTablesCommand({}));
      expect(seen.TableNames ?? []).toEqual([]);
    } finally {
      await first.stop();
    }
    const second = await startLocalServer({ BCRYPT_ROUNDS: '4', DATA_DIR: dataDir, DYNAMODB_LOCAL_ACCESS_KEY: '' });
    try {
      const login = await httpClient(() => second.url)('POST', '/api/user/login/', {
        body: { username: candidate.username, password: candidate.password },
      });
      expect(login.status).toBe(200);
      expect(await localClient(second.dynamoDbEndpoint, key).send(new ListTablesCommand({}))).toMatchObject({ TableNames: ['calendar'] });
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('stopping and starting', () => {
  it('stops DynamoDB Local when it is stopped', async () => {
    const own = await startLocalServer({ BCRYPT_ROUNDS: '4' });
    const running = () => enginePidOf(own.dynamoDbEndpoint) !== undefined;
    expect(running()).toBe(true);
    expect(await own.stop('SIGTERM')).toBe(0);
    expect(await eventually(() => !running(), 30_000)).toBe(true);
  });

  it('kills DynamoDB Local with SIGKILL when it does not exit on SIGTERM', async () => {
    const database = await startDynamoDbLocal();
    const jvm = enginePidOf(database.endpoint)!;
    try {
      // A stopped JVM cannot act on SIGTERM: it hangs as far as stop() can tell.
      process.kill(jvm, 'SIGSTOP');
      const started = performance.now();
      await database.stop({ graceMs: 1_000 });
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(database.process.signalCode).toBe('SIGKILL');
      // The JVM went with its watchdog.
      expect(await eventually(() => enginePidOf(database.endpoint) === undefined, 10_000)).toBe(true);
    } finally {
      if (enginePidOf(database.endpoint) !== undefined) process.kill(jvm, 'SIGKILL');
    }
  });

  it('says in one line that Java is missing when it is', async () => {
    const child = runLocalMain({ PATH: '/nonexistent' });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(
      output
        .trim()
        .split('\n')
        .filter((line) => line.includes('Java')),
    ).toEqual([expect.stringContaining('apt-get install -y default-jre-headless')]);
  });

  it.each([
    [{ TIME_ZONE: 'Mars/Phobos' }, 'Environment variable TIME_ZONE must be an IANA time zone name, got "Mars/Phobos"'],
    [{ BCRYPT_ROUNDS: '99' }, 'Environment variable BCRYPT_ROUNDS must be an integer from 4 to 15, got "99"'],
    [{ PORT: 'abc' }, 'Environment variable PORT must be an integer from 0 to 65535, got "abc"'],
    [
      { CORS_ORIGINS: '*' },
      'Environment variable CORS_ORIGINS must list origins as browsers send them, such as https://app.example.com (scheme, lowercase host, port only if not the default; never *), got "*"',
    ],
    [{ DATA_DIR: 'package.json' }, 'Environment variable DATA_DIR must name a directory this user may write: "package.json" is a file'],
    [{ DATA_DIR: '/proc/self' }, 'Environment variable DATA_DIR must name a directory this user may write: cannot write in "/proc/self"'],
  ])('stops on %j with one line naming the setting, and no stack trace', async (env, message) => {
    const child = runLocalMain({ PORT: '0', ...env });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect({ code, output: output.trim() }).toEqual({ code: 1, output: message });
  });

  it('suggests another PORT when its port is taken, and stops with its engine', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const child = runLocalMain({ PORT: String(port), BCRYPT_ROUNDS: '4' });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`Cannot serve on`);
      expect(output).toContain(`choose another port, e.g. PORT=${port + 1} npm start.`);
    } finally {
      busy.close();
    }
  });
});
