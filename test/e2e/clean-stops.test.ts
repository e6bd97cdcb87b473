/**
 * `npm start` stops cleanly however it is stopped: a signal to npm's process, to the
 * server, or to the whole group, and the death of whatever started it, each leave nothing
 * running (the server, the engine's watchdog and DynamoDB Local's JVM). A server killed
 * outright does not leave its JVM behind either.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '../../local/dynamodb-local';
import { descendantsOf } from '../support/engine';

jest.setTimeout(180_000);

interface Started {
  npm: ChildProcess;
  port: number;
  /** Every process of the tree once it serves: npm, the server, the watchdog, the JVM. */
  tree: number[];
  /** The server's own process (node running local/main.ts). */
  server: number;
  /** DynamoDB Local's JVM. */
  jvm: number;
  output(): string;
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie waiting for its parent counts as gone.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
};

/** `npm start` in its own process group, as a terminal would run it, once it serves. */
async function startNpm(): Promise<Started> {
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    detached: true,
    env: { ...process.env, PORT: String(port), DYNAMODB_ENDPOINT: '', TABLE_NAME: '', DATA_DIR: '', BCRYPT_ROUNDS: '4' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not serve:\n${output}`)), 120_000);
    npm.stdout?.on('data', () => {
      if (/listening on http/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    npm.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  const tree = descendantsOf(npm.pid!);
  const server = tree.find((pid) => commandOf(pid).includes('local/main.ts'));
  const jvm = tree.find((pid) => commandOf(pid).startsWith('java '));
  if (!server || !jvm) throw new Error(`unexpected process tree: ${tree.map(commandOf).join('\n')}`);
  return { npm, port, tree: [npm.pid!, ...tree], server, jvm, output: () => output };
}

/** Waits until none of `pids` runs, or `ms` passed; answers those still running. */
async function survivors(pids: number[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((resolve) => setTimeout(resolve, 200));
  return pids.filter(alive).map((pid) => `${pid} ${commandOf(pid)}`);
}

const servesOn = async (port: number) =>
  fetch(`http://127.0.0.1:${port}/api/health/`, { signal: AbortSignal.timeout(5_000) }).then(
    () => true,
    () => false,
  );

const stops: [string, (started: Started) => void][] = [
  ['SIGTERM to npm', ({ npm }) => process.kill(npm.pid!, 'SIGTERM')],
  ['SIGINT to npm', ({ npm }) => process.kill(npm.pid!, 'SIGINT')],
  ['SIGTERM to the server', ({ server }) => process.kill(server, 'SIGTERM')],
  ['SIGINT to the whole group (Ctrl-C)', ({ npm }) => process.kill(-npm.pid!, 'SIGINT')],
  ['SIGTERM to the whole group', ({ npm }) => process.kill(-npm.pid!, 'SIGTERM')],
  ['the death of npm (SIGKILL)', ({ npm }) => process.kill(npm.pid!, 'SIGKILL')],
];

describe('stopping npm start', () => {
  const started: Started[] = [];
  afterAll(() => {
    // Whatever a failed test left.
    for (const run of started) for (const pid of run.tree.filter(alive)) process.kill(pid, 'SIGKILL');
  });

  it.each(stops)('leaves nothing running after %s', async (_, stop) => {
    const run = await startNpm();
    started.push(run);
    expect(await servesOn(run.port)).toBe(true);
    stop(run);
    expect(await survivors(run.tree, 30_000)).toEqual([]);
    expect(await servesOn(run.port)).toBe(false);
  });

  it('ends the JVM soon after the server is killed outright (SIGKILL)', async () => {
    const run = await startNpm();
    started.push(run);
    process.kill(run.server, 'SIGKILL');
    expect(await survivors([run.server, run.jvm], 30_000)).toEqual([]);
    // npm and the watchdog end with them.
    expect(await survivors(run.tree, 10_000)).toEqual([]);
  });
});
