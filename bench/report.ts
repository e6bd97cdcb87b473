/**
 * The benchmark's tables, for the terminal and the README.
 */
import type { ColdStart } from './cold-start';
import type { CpuUse } from './cpu';
import type { CommonTimeRun } from './common-time';
import type { LoadResult } from './load';

/**
 * DynamoDB on-demand prices, us-east-1 (AWS's DynamoDB pricing page, on-demand capacity,
 * after the November 2024 reduction): per million request units.
 */
export const PRICES = { writeRequestUnitPerMillion: 0.625, readRequestUnitPerMillion: 0.125, region: 'us-east-1' };

/** Dollars per million operations, from the mean request units of one operation. */
export function costPerMillion(result: LoadResult): number | undefined {
  if (result.readUnits === undefined && result.writeUnits === undefined) return undefined;
  return (result.writeUnits ?? 0) * PRICES.writeRequestUnitPerMillion + (result.readUnits ?? 0) * PRICES.readRequestUnitPerMillion;
}

const number = (value: number | undefined, digits = 0) => (value === undefined ? 'n/a' : value.toFixed(digits));

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

interface Results {
  date: string;
  machine: { cpus: number; cpuModel?: string; memoryGiB: number; node: string };
  /** Each section is there when it was measured (BENCH_ONLY runs some). */
  operations?: {
    operation: string;
    concurrency: number;
    cold?: LoadResult;
    http: LoadResult;
    floor?: LoadResult;
    costPerMillion?: number;
  }[];
  eventLag?: { concurrency: number; lag: { events: number; p50: number; p99: number; max: number } }[];
  commonTime?: CommonTimeRun;
  scaling?: { table: string; user: string; operation: string; result: LoadResult }[];
  /** How long the server's meeting counter took to catch up with the seeded meetings. */
  counterCatchUp?: { entries: number; seconds: number };
  coldStarts?: { bareNodeMs: number; functions: ColdStart[] };
  benchSeconds: number;
}

function renderOperations(operationResults: NonNullable<Results['operations']>, eventLag: Results['eventLag']): string[] {
  const operations = table(
    [
      'operation',
      'conc.',
      'req/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'errors',
      'floor req/s',
      'floor p99 ms',
      'vs floor (req/s, p99)',
      'DynamoDB calls',
      'sequential',
      'RRU',
      'WRU',
      '$ per million',
    ],
    operationResults.map(({ operation, concurrency, http, floor, costPerMillion }) => [
      operation,
      String(concurrency),
      number(http.perSecond),
      number(http.p50, 1),
      number(http.p90, 1),
      number(http.p99, 1),
      String(http.errors),
      number(floor?.perSecond),
      number(floor?.p99, 1),
      floor ? `${(http.perSecond / floor.perSecond).toFixed(2)}x, ${(http.p99 / floor.p99).toFixed(2)}x` : 'n/a',
      number(http.calls, 1),
      number(http.depth, 1),
      number(http.readUnits, 1),
      number(http.writeUnits, 1),
      costPerMillion === undefined ? 'n/a' : `$${costPerMillion.toFixed(2)}`,
    ]),
  );
  const lag = table(
    ['booking load, conc.', 'events', 'p50 ms', 'p99 ms', 'max ms'],
    (eventLag ?? []).map(({ concurrency, lag: figures }) => [
      String(concurrency),
      String(figures.events),
      number(figures.p50, 1),
      number(figures.p99, 1),
      number(figures.max, 1),
    ]),
  );
  const coldRounds = operationResults.filter((result) => result.cold);
  const cold = table(
    ['operation', 'conc.', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'warm p99 ms'],
    coldRounds.map(({ operation, concurrency, cold: first, http }) => [
      operation,
      String(concurrency),
      number(first!.perSecond),
      number(first!.p50, 1),
      number(first!.p99, 1),
      number(first!.max, 1),
      String(first!.errors),
      number(http.p99, 1),
    ]),
  );
  // A floor that failed is no floor: its figures would flatter or shame the service.
  const failedFloors = operationResults
    .filter(({ floor }) => floor && floor.errors > 0)
    .map(
      ({ operation, concurrency, floor }) =>
        `The floor of ${operation} at ${concurrency} failed ${floor!.errors} times, first: ${floor!.firstError}`,
    );
  const measuredCpu = operationResults.filter(({ http, floor }) => http.cpu?.server !== undefined && floor?.cpu);
  const cpuMs = (value: number | undefined) => number(value, 2);
  const total = ({ load, server, engine }: CpuUse) => load + (server ?? 0) + (engine ?? 0);
  const cpu = table(
    [
      'operation',
      'conc.',
      'server',
      'engine',
      'load',
      'in all',
      'floor: server',
      'floor: engine',
      'floor: calls',
      'floor in all',
      'in all vs floor',
    ],
    measuredCpu.map(({ operation, concurrency, http, floor }) => [
      operation,
      String(concurrency),
      cpuMs(http.cpu!.server),
      cpuMs(http.cpu!.engine),
      cpuMs(http.cpu!.load),
      cpuMs(total(http.cpu!)),
      cpuMs(floor!.cpu!.server),
      cpuMs(floor!.cpu!.engine),
      cpuMs(floor!.cpu!.load),
      cpuMs(total(floor!.cpu!)),
      `${(total(http.cpu!) / total(floor!.cpu!)).toFixed(2)}x`,
    ]),
  );
  return [
    'End to end over HTTP (local runtime + DynamoDB Local) beside the floor (the same DynamoDB calls issued directly), each measured after a warm-up round:',
    '',
    operations,
    ...(failedFloors.length > 0 ? ['', ...failedFloors] : []),
    '',
    ...(measuredCpu.length > 0
      ? [
          "CPU ms per request, by process (the machine's cores serve them all: their sum bounds the throughput). Over HTTP: the server (with its event publisher and meeting counter), the engine (DynamoDB Local) and the load; the floor: the idle server (its pollers), the engine and the process issuing the calls:",
          '',
          cpu,
          '',
        ]
      : []),
    ...(coldRounds.length > 0
      ? [
          'The warm-up rounds: the first second of each operation and concurrency over HTTP (the first requests of their kind the server sees):',
          '',
          cold,
          '',
        ]
      : []),
    'Event lag under the booking load: commit (the event timestamp) to the event on the local bus (its line in EVENTS_FILE):',
    '',
    lag,
  ];
}

function renderCommonTime(run: CommonTimeRun): string[] {
  const common = table(
    ['people', 'conc.', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'DynamoDB calls', 'RRU', 'ranges read/s', 'hours in common'],
    run.results.map(({ users, concurrency, result, commonHours, hours }) => [
      String(users),
      String(concurrency),
      number(result.perSecond),
      number(result.p50, 1),
      number(result.p95, 1),
      number(result.p99, 1),
      String(result.errors),
      number(result.calls, 1),
      number(result.readUnits, 1),
      number(result.perSecond * users),
      `${commonHours} of ${hours}`,
    ]),
  );
  const failures = run.results
    .filter(({ result }) => result.errors > 0)
    .map(({ users, concurrency, result }) => `${users} people at concurrency ${concurrency}, first error: ${result.firstError}`);
  return [
    `A group's common free time over ${run.dates} dates (${run.from} to ${run.to}; everyone has blocks and meetings in it), after a warm-up round of ${run.warmUpSeconds} s per group size and concurrency:`,
    '',
    common,
    ...(failures.length > 0 ? ['', ...failures] : []),
  ];
}

function renderScaling(scalingResults: NonNullable<Results['scaling']>, catchUp: Results['counterCatchUp']): string[] {
  const scaling = table(
    ['table', 'user', 'operation', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'DynamoDB calls', 'sequential', 'RRU'],
    scalingResults.map(({ table: size, user, operation, result }) => [
      size,
      user,
      operation,
      number(result.perSecond),
      number(result.p50, 1),
      number(result.p99, 1),
      String(result.errors),
      number(result.calls, 1),
      number(result.depth, 1),
      number(result.readUnits, 1),
    ]),
  );
  const caughtUp = catchUp
    ? [
        '',
        `The meeting counter caught up with the ${catchUp.entries.toLocaleString('en')} seeded meetings ${catchUp.seconds.toFixed(1)} s after the last was written; the figures are measured after it had.`,
      ]
    : [];
  return ['Scaling (concurrency 16):', '', scaling, ...caughtUp];
}

function renderColdStarts(coldStarts: NonNullable<Results['coldStarts']>): string[] {
  const cold = table(
    ['function', 'bundle KB', 'load ms (median of 11)', 'above bare node ms'],
    coldStarts.functions.map((entry) => [entry.function, number(entry.bundleKB, 1), number(entry.loadMs, 1), number(entry.aboveBareMs, 1)]),
  );
  return [`Cold load of each bundle as CDK builds it (bare \`node -e 0\`: ${coldStarts.bareNodeMs.toFixed(1)} ms):`, '', cold];
}

export function renderReport(results: Results): string {
  const sections = [
    results.operations && renderOperations(results.operations, results.eventLag),
    results.commonTime && renderCommonTime(results.commonTime),
    results.scaling && renderScaling(results.scaling, results.counterCatchUp),
    results.coldStarts && renderColdStarts(results.coldStarts),
  ].filter((section) => section !== undefined);
  return [
    `Benchmark of ${results.date} on ${results.machine.cpus} cores (${results.machine.cpuModel}), ${results.machine.memoryGiB} GiB, Node ${results.machine.node}; ${results.benchSeconds.toFixed(0)} s in all.`,
    ...sections.flatMap((section) => ['', ...section]),
  ].join('\n');
}

export function printReport(results: Results): void {
  console.log(renderReport(results));
}
