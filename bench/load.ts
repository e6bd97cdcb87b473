/**
 * A closed-loop load generator: `concurrency` lanes each run their operation back to back
 * for a fixed duration; every latency is kept for exact percentiles.
 */
import { type CpuUse, meterCpu, type Processes } from './cpu';

export interface Sample {
  latencyMs: number;
  ok: boolean;
  calls?: number;
  /** DynamoDB steps waited for one after another. */
  depth?: number;
  readUnits?: number;
  writeUnits?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Means per successful request, when the operation reports DynamoDB figures. */
  calls?: number;
  depth?: number;
  readUnits?: number;
  writeUnits?: number;
  firstError?: string;
  /** CPU per successful request, when asked to measure it. */
  cpu?: CpuUse;
}

export type Operation = (lane: number, iteration: number) => Promise<Sample>;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const mean = (values: number[]) => (values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length);

/** Runs the load; with `processes`, also measures the CPU they and this process spend. */
export async function runLoad(operation: Operation, concurrency: number, seconds: number, processes?: Processes): Promise<LoadResult> {
  const samples: Sample[] = [];
  const cpu = processes && meterCpu(processes);
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let iteration = 0; performance.now() < deadline; iteration++) {
        try {
          samples.push(await operation(lane, iteration));
        } catch (error) {
          firstError ??= (error as Error).message;
          samples.push({ latencyMs: 0, ok: false });
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const good = samples.filter((sample) => sample.ok);
  const cpuUse = cpu?.(good.length);
  const latencies = good.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const pick = (key: 'calls' | 'depth' | 'readUnits' | 'writeUnits') =>
    mean(good.filter((sample) => sample[key] !== undefined).map((sample) => sample[key] as number));
  return {
    requests: samples.length,
    errors: samples.length - good.length,
    seconds: elapsed,
    perSecond: good.length / elapsed,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    calls: pick('calls'),
    depth: pick('depth'),
    readUnits: pick('readUnits'),
    writeUnits: pick('writeUnits'),
    firstError,
    ...(cpuUse && { cpu: cpuUse }),
  };
}

/** Times one call. */
export async function timed(run: () => Promise<Omit<Sample, 'latencyMs'>>): Promise<Sample> {
  const start = performance.now();
  const result = await run();
  return { ...result, latencyMs: performance.now() - start };
}

/** Runs `run` over `items`, `size` at a time. */
export async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(run));
}
