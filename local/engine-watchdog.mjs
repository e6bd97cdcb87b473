/**
 * Runs a command (DynamoDB Local's JVM) for a parent that may end without stopping it.
 * When this process's stdin closes, the parent is gone, however it ended (SIGKILL
 * included): the command is ended, with SIGTERM and then SIGKILL after a grace. Signals
 * sent here are passed on, and this process ends as the command did (the same exit
 * code, or the same signal), so the parent sees the command's own end.
 *
 * Plain JavaScript, run by node without a loader: it starts in a few tens of milliseconds.
 *
 * Usage: node engine-watchdog.mjs <command> [args...]   (stdin: a pipe from the parent)
 */
import { spawn } from 'node:child_process';
import { setTimeout } from 'node:timers';

const GRACE_MS = 10_000;
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: engine-watchdog.mjs <command> [args...]');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

let orphaned = false;
const endChild = () => {
  if (orphaned) return;
  orphaned = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), GRACE_MS).unref();
};
process.stdin.on('end', endChild);
process.stdin.on('error', endChild);
process.stdin.resume();

const passed = ['SIGTERM', 'SIGINT', 'SIGHUP'];
for (const signal of passed) process.on(signal, () => child.kill(signal));

child.on('error', (error) => {
  console.error(`${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // End by the same signal: stop catching it, then send it to this process.
    if (passed.includes(signal)) process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
