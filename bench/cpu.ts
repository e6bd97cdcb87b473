/**
 * Where a measurement's CPU goes: the server's process, the engine's (DynamoDB Local's
 * Java) and this one (the load, or the floor's own calls), per request. On a machine of
 * two cores the sum bounds the throughput: these figures say what a gap to the floor is
 * made of. Read from /proc (Linux); elsewhere only this process is measured.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Milliseconds of CPU per successful request. */
export interface CpuUse {
  /** This process: the load generator over HTTP, the calls themselves for the floor. */
  load: number;
  server?: number;
  engine?: number;
}

export interface Processes {
  server?: number;
  engine?: number;
}

// Linux counts a process's CPU in clock ticks of 10 ms (USER_HZ = 100 on every platform Node runs on).
const MS_PER_TICK = 10;

interface Stat {
  command: string;
  parent: number;
  /** User and system time of all the process's threads, in ms. */
  cpuMs: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state ppid ... utime stime ...": the command may hold spaces and parentheses.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return {
      command: text.slice(text.indexOf('(') + 1, close),
      parent: Number(fields[1]),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK,
    };
  } catch {
    return undefined;
  }
}

/** The local server and the Java engine it started (through its watchdog), by process id. */
export function localProcesses(serverPid: number | undefined): Processes {
  if (serverPid === undefined || stat(serverPid) === undefined) return {};
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return { server: serverPid };
  }
  const stats = new Map(pids.map((pid) => [pid, stat(pid)] as const));
  const descends = (pid: number): boolean => {
    for (let at: number | undefined = pid, hops = 0; at && hops < 10; at = stats.get(at)?.parent, hops++) {
      if (at === serverPid) return true;
    }
    return false;
  };
  const engine = pids.find((pid) => stats.get(pid)?.command === 'java' && descends(pid));
  return { server: serverPid, ...(engine !== undefined && { engine }) };
}

/** Starts counting; the returned function divides what was spent since by `requests`. */
export function meterCpu(processes: Processes): (requests: number) => CpuUse {
  const startLoad = process.cpuUsage();
  const startServer = processes.server !== undefined ? stat(processes.server)?.cpuMs : undefined;
  const startEngine = processes.engine !== undefined ? stat(processes.engine)?.cpuMs : undefined;
  return (requests) => {
    const per = (ms: number) => ms / Math.max(requests, 1);
    const load = process.cpuUsage(startLoad);
    const since = (pid: number | undefined, start: number | undefined) => {
      const now = pid !== undefined ? stat(pid)?.cpuMs : undefined;
      return now !== undefined && start !== undefined ? per(now - start) : undefined;
    };
    const server = since(processes.server, startServer);
    const engine = since(processes.engine, startEngine);
    return {
      load: per((load.user + load.system) / 1000),
      ...(server !== undefined && { server }),
      ...(engine !== undefined && { engine }),
    };
  };
}
