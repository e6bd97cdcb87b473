/**
 * The calendar feed of a user with 2,000 meetings: latency over HTTP of a full answer and
 * of a 304, the answer's size, and the DynamoDB calls and read units one read costs.
 * `npm run bench:feed` runs it alone against its own local runtime; `bench/run.ts` runs it
 * with the other scaling measurements.
 */
import { ulid } from 'ulid';
import type { Meeting } from '../functions/domain/meetings';
import { services } from '../functions/services';
import { startLocalServer } from '../local/child-process';
import { type Account, Api, laneSlot } from './http-scenarios';
import { type LoadResult, runLoad, timed } from './load';

export const FEED_MEETINGS = 2000;

export interface FeedBench {
  meetings: number;
  events: number;
  bytes: number;
  /** Full answers (200), one client and four at once. */
  full: { concurrency: number; result: LoadResult }[];
  /** Conditional requests of an unchanged feed (304). */
  notModified: LoadResult;
}

/** Stores a meeting of `organiser` and `guests` directly: far faster than booking 2,000 over HTTP. */
async function store(organiser: Account, guests: Account[], slot: string, cancelled: boolean): Promise<void> {
  const person = (account: Account) => ({ id: account.id, username: account.username, email: account.email });
  const stamp = new Date().toISOString();
  const meeting: Meeting = {
    id: ulid(),
    title: `Feed ${slot}`,
    description: 'Seeded for the feed benchmark',
    slot: { date: slot.slice(0, 10), hour: Number(slot.slice(11, 13)) },
    status: cancelled ? 'cancelled' : 'active',
    organiser: person(organiser),
    participants: [person(organiser), ...guests.map(person)],
    version: 1,
    created: stamp,
    modified: stamp,
  };
  await services().meetings.create(meeting);
}

/**
 * Seeds a user with FEED_MEETINGS meetings in the window (half organised, half as a guest,
 * one in ten cancelled, three participants each), then measures the feed. Needs the
 * table's endpoint (DYNAMODB_ENDPOINT) to seed directly.
 */
export async function measureFeed(api: Api, seconds: number, progress: (text: string) => void = () => {}): Promise<FeedBench> {
  const [owner, other, guest] = await Promise.all([api.account('feedowner'), api.account('feedother'), api.account('feedguest')]);
  for (let start = 0; start < FEED_MEETINGS; start += 16) {
    progress(`feed: seeding meetings ${start}/${FEED_MEETINGS}`);
    await Promise.all(
      Array.from({ length: Math.min(16, FEED_MEETINGS - start) }, (_, offset) => {
        const i = start + offset;
        const [organiser, guests] = i % 2 === 0 ? [owner, [other, guest]] : [other, [owner, guest]];
        return store(organiser, guests, laneSlot(2, i), i % 10 === 0);
      }),
    );
  }
  const created = await api.send('POST', '/api/user/calendar_feed/', undefined, owner.token);
  if (created.status !== 201) throw new Error(`feed creation failed: ${created.text}`);
  const path = new URL(JSON.parse(created.text).url).pathname;
  const first = await fetch(`${api.baseUrl}${path}`);
  const text = await first.text();
  const etag = first.headers.get('etag') ?? '';
  if (first.status !== 200 || !etag) throw new Error(`feed read failed: ${first.status} ${text.slice(0, 200)}`);

  const read = (headers: Record<string, string>, expected: number) => () =>
    timed(async () => {
      const response = await fetch(`${api.baseUrl}${path}`, { headers });
      await response.arrayBuffer();
      const figure = (name: string) => (response.headers.get(name) === null ? undefined : Number(response.headers.get(name)));
      return { ok: response.status === expected, calls: figure('x-dynamodb-calls'), readUnits: figure('x-dynamodb-read-units') };
    });
  const full = [];
  for (const concurrency of [1, 4]) {
    progress(`feed: full answers at concurrency ${concurrency}`);
    full.push({ concurrency, result: await runLoad(read({}, 200), concurrency, seconds) });
  }
  progress('feed: 304 answers');
  const notModified = await runLoad(read({ 'if-none-match': etag }, 304), 1, seconds);
  return { meetings: FEED_MEETINGS, events: text.split('BEGIN:VEVENT').length - 1, bytes: Buffer.byteLength(text), full, notModified };
}

export function printFeed(result: FeedBench): void {
  const row = (label: string, load: LoadResult) =>
    `| ${label} | ${load.requests} | ${load.errors} | ${load.perSecond.toFixed(1)} | ${load.p50.toFixed(0)} | ${load.p90.toFixed(0)} | ${load.p99.toFixed(0)} | ${load.calls?.toFixed(0) ?? 'n/a'} | ${load.readUnits?.toFixed(1) ?? 'n/a'} |`;
  console.log(
    `\nCalendar feed of a user with ${result.meetings} meetings: ${result.events} events, ${(result.bytes / 1024).toFixed(0)} KiB\n`,
  );
  console.log('| request | requests | errors | per second | p50 ms | p90 ms | p99 ms | DynamoDB calls | read units |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const { concurrency, result: load } of result.full) console.log(row(`200, concurrency ${concurrency}`, load));
  console.log(row('304, concurrency 1', result.notModified));
}

/** Alone: its own local runtime, with DynamoDB figures on. */
async function main(): Promise<void> {
  const server = await startLocalServer({ DYNAMODB_METRICS: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' });
  process.env.DYNAMODB_ENDPOINT = server.dynamoDbEndpoint;
  process.env.AWS_ACCESS_KEY_ID = server.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = server.accessKeyId;
  process.env.AWS_REGION ||= 'us-east-1';
  process.env.TABLE_NAME = 'calendar';
  try {
    const result = await measureFeed(new Api(server.url), Number(process.env.BENCH_SECONDS ?? 4), (text) =>
      process.stderr.write(`\r\x1b[K[bench] ${text}`),
    );
    process.stderr.write('\n');
    printFeed(result);
  } finally {
    await server.stop();
  }
}

if (process.argv[1]?.endsWith('feed.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
