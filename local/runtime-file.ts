/**
 * Where a running `npm start` says how to reach its database, for the operator's tools
 * (`npm run check-integrity`): `.local-runtime/<port>.json` in the project, owner-only (it
 * holds the engine's access key), removed when the server stops.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RuntimeFile {
  pid: number;
  url: string;
  dynamoDbEndpoint: string;
  accessKeyId: string;
  tableName: string;
}

const directory = () => join(process.cwd(), '.local-runtime');
const fileOf = (port: number) => join(directory(), `${port}.json`);

export function writeRuntimeFile(port: number, runtime: RuntimeFile): () => void {
  mkdirSync(directory(), { recursive: true, mode: 0o700 });
  writeFileSync(fileOf(port), JSON.stringify(runtime), { mode: 0o600 });
  return () => rmSync(fileOf(port), { force: true });
}

/** The runtime serving on `port`, if its process still runs. */
export function readRuntimeFile(port: number): RuntimeFile | undefined {
  const path = fileOf(port);
  if (!existsSync(path)) return undefined;
  const runtime = JSON.parse(readFileSync(path, 'utf8')) as RuntimeFile;
  try {
    process.kill(runtime.pid, 0);
    return runtime;
  } catch {
    return undefined;
  }
}
