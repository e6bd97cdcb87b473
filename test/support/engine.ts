/** Finding the DynamoDB Local process of an endpoint, to pause, kill or watch it. */
import { execSync } from 'node:child_process';

/** The process id of the DynamoDB Local that listens on `endpoint`'s port; undefined when none runs. */
export function enginePidOf(endpoint: string): number | undefined {
  const port = new URL(endpoint).port;
  for (const line of execSync('ps -eo pid,args', { encoding: 'utf8' }).split('\n')) {
    const [pid, ...args] = line.trim().split(/\s+/);
    // The exact port argument: 3810 must not find the engine on 38101.
    const at = args.indexOf('-port');
    // The JVM itself, not the watchdog that started it (whose arguments hold the same).
    const java = args[0] === 'java' || args[0]?.endsWith('/java') === true;
    if (java && args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && at !== -1 && args[at + 1] === port) return Number(pid);
  }
  return undefined;
}

/** Every process below `pid` (its children, theirs, ...). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of execSync('ps -eo pid,ppid', { encoding: 'utf8' }).split('\n').slice(1)) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (child && parent) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const visit = (at: number) => {
    for (const child of children.get(at) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}
