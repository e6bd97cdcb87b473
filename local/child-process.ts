/**
 * Runs `local/main.ts` (what `npm start` runs) as a child process on a free port: for
 * the end-to-end tests and the benchmark.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from './dynamodb-local';

export interface LocalServer {
  url: string;
  /** The port the server was told to use (`PORT`). */
  port: number;
  /** The access key naming the server's database in its DynamoDB Local. */
  accessKeyId: string;
  /** The DynamoDB Local endpoint the server started. */
  dynamoDbEndpoint: string;
  process: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** As `npm start` runs it: one node process with tsx's loader (no tsx runner in between). */
export function runLocalMain(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'local', 'main.ts')], {
    env: { ...process.env, DYNAMODB_ENDPOINT: '', TABLE_NAME: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startLocalServer(env: Record<string, string> = {}): Promise<LocalServer> {
  const port = await freePort();
  const accessKeyId = env.DYNAMODB_LOCAL_ACCESS_KEY ?? `server${randomBytes(8).toString('hex')}`;
  const child = runLocalMain({ PORT: String(port), DYNAMODB_LOCAL_ACCESS_KEY: accessKeyId, ...env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local server did not start:\n${output}`)), 60_000);
    const check = () => {
      const found = output.match(/listening on (http:\/\/\S+) \(DynamoDB at (http:\/\/[^,]+),/);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local server exited with ${code}:\n${output}`));
    });
  });

  return {
    url: ready[1] as string,
    port,
    accessKeyId,
    dynamoDbEndpoint: ready[2] as string,
    process: child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        // Ended already (by itself or by a signal): nothing to wait for.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
