/**
 * `npm run bench`: latency, throughput, DynamoDB cost, scaling and cold start, in one run.
 * Starts the local runtime itself unless BASE_URL names a running server (any server
 * speaking the API; DynamoDB figures and the floor then need DYNAMODB_ENDPOINT too).
 *
 * BENCH_SECONDS (default 4) sets each measurement's duration.
 * BENCH_ONLY runs only the named sections, comma-separated: `operations` (each operation
 * over HTTP beside its floor, and the event lag), `scaling`, `common` (a group's common
 * free time for 2, 10 and 50 people) and `cold-start`; e.g. `BENCH_ONLY=common npm run bench`.
 * It prints those sections and puts them into bench/results.json in place of the ones there,
 * keeping the others.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { READS_AT_ONCE } from '../functions/domain/common-time';
import type { Meeting } from '../functions/domain/meetings';
import { services } from '../functions/services';
import { recountPartition } from '../functions/store/items/meeting-counts';
import { tableDefinition } from '../functions/store/table-definition';

import { startLocalServer } from '../local/child-process';
import { measureColdStarts } from './cold-start';
import { type CommonTimeRun, measureCommonTime, prepareGroup } from './common-time';
import { floorOperation } from './floor';
import { type Account, Api, dayFromNow, httpOperation, type Lanes, laneSlot } from './http-scenarios';
import { type EventLag, type EventLagWatch, watchEventLag } from './event-lag';
import { type FeedBench, measureFeed, printFeed } from './feed';
import { localProcesses, type Processes } from './cpu';
import { inBatches, type LoadResult, runLoad } from './load';
import { costPerMillion, PRICES, printReport } from './report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
/**
 * Measured rounds of each operation over HTTP and of its floor, taken in turn; the median
 * round of each is reported. DynamoDB Local's JVM keeps getting faster at a kind of call
 * for some 30 s of it: measured one after the other, the second of the two would meet a
 * warmer engine than the first (availability's floor did: 0.69 ms of the engine's CPU per
 * request against 1.16 over HTTP just before, the very same two calls).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = [1, 16];
const OPERATIONS = ['booking', 'availability', 'listing', 'reschedule', 'login'];
const LANES = Math.max(...CONCURRENCY);
const FILLER_ITEMS = 100_000;
const WARM_UP_SECONDS = 1;
const RESULTS_FILE = 'bench/results.json';
const SECTIONS = ['operations', 'scaling', 'common', 'cold-start'];
const ONLY = process.env.BENCH_ONLY?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknownSection = ONLY?.find((name) => !SECTIONS.includes(name));
if (unknownSection) throw new Error(`BENCH_ONLY: unknown section "${unknownSection}" (sections: ${SECTIONS.join(', ')})`);
const runs = (section: string) => !ONLY?.length || ONLY.includes(section);

const progress = (text: string) => process.stderr.write(`\r\x1b[K[bench] ${text}`);

async function bookDirectly(organiser: Account, guests: Account[], slot: string): Promise<void> {
  const person = (account: Account) => ({ id: account.id, username: account.username, email: account.email });
  const stamp = new Date().toISOString();
  const meeting: Meeting = {
    id: ulid(),
    title: 'Seeded',
    description: null,
    slot: { date: slot.slice(0, 10), hour: Number(slot.slice(11, 13)) },
    status: 'active',
    organiser: person(organiser),
    participants: [person(organiser), ...guests.map(person)],
    version: 1,
    created: stamp,
    modified: stamp,
  };
  await services().meetings.create(meeting);
}

/**
 * Resolves once the server's meeting counter has caught up with every meeting of `accounts`
 * (their recount partitions are empty): a listing then counts from the counters alone, as
 * it does in steady state.
 */
async function countersCaughtUp(accounts: Account[]): Promise<number> {
  const index = tableDefinition.globalSecondaryIndexes[2];
  const started = Date.now();
  for (;;) {
    const pending = await Promise.all(
      accounts.map(async (account) => {
        const { Count } = await services().dynamoDb.send('Query', {
          TableName: process.env.TABLE_NAME!,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': recountPartition(account.id) },
          Select: 'COUNT',
        });
        return Count ?? 0;
      }),
    );
    const left = pending.reduce((sum, count) => sum + count, 0);
    if (left === 0) return (Date.now() - started) / 1000;
    if (Date.now() - started > 300_000) throw new Error(`the meeting counter has not caught up after 5 minutes: ${left} entries left`);
    progress(`waiting for the meeting counter to catch up: ${left} entries left`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function prepareLanes(api: Api): Promise<Lanes> {
  const trios: Account[][] = [];
  for (let lane = 0; lane < LANES; lane++) {
    progress(`creating users ${lane + 1}/${LANES}`);
    trios.push(await Promise.all([api.account('org'), api.account('guest'), api.account('guest')]));
  }
  const movable = [];
  for (const [lane, trio] of trios.entries()) {
    const [organiser, ...guests] = trio;
    const answer = await api.send(
      'POST',
      '/api/event/',
      { title: 'Movable', description: '', time_slot: laneSlot(3000 + lane * 10, 0), participants: guests.map((g) => g.email) },
      organiser!.token,
    );
    if (answer.status !== 201) throw new Error(`could not book the movable meeting of lane ${lane}: ${answer.text}`);
    movable.push({ id: JSON.parse(answer.text).response.id as string, organiser: organiser! });
  }
  const watched = await api.account('watched');
  const availabilityDate = dayFromNow(3);
  await api.send('POST', '/api/user/block_slots/', { date: availabilityDate, blocked_slots: [8, 12, 13, 18] }, watched.token);
  const lister = await api.account('lister');
  for (let i = 0; i < 12; i++) {
    await api.send('POST', '/api/event/', { title: `L${i}`, description: '', time_slot: laneSlot(2, i), participants: [] }, lister.token);
  }
  return { trios, movable, watched, availabilityDate, lister };
}

async function fillTable(count: number): Promise<void> {
  const client = services().dynamoDb;
  const table = process.env.TABLE_NAME!;
  const batches = Array.from({ length: Math.ceil(count / 25) }, (_, batch) => batch);
  let written = 0;
  await inBatches(batches, 16, async (batch) => {
    let requests = Array.from({ length: 25 }, (_, i) => ({
      PutRequest: {
        Item: {
          pk: `USER#filler${batch}`,
          sk: `DAY#2031-01-${String((i % 28) + 1).padStart(2, '0')}#${String(i % 24).padStart(2, '0')}`,
          type: 'hour',
          kind: 'blocked',
        },
      },
    }));
    while (requests.length > 0) {
      const result = await client.send('BatchWriteItem', { RequestItems: { [table]: requests } });
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
    written += 25;
    if (written % 5000 === 0) progress(`filling the table: ${written}/${count} items`);
  });
}

/** The round with the median throughput (the lower middle of an even count). */
function medianRound(rounds: LoadResult[]): LoadResult {
  return [...rounds].sort((a, b) => a.perSecond - b.perSecond)[Math.floor((rounds.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  const started = Date.now();
  let stop: (() => Promise<unknown>) | undefined;
  let baseUrl = process.env.BASE_URL;
  let lagWatch: EventLagWatch | undefined;
  let closeApi: (() => void) | undefined;
  // The local server's and engine's processes, whose CPU the operations measure (none for BASE_URL).
  let processes: Processes = {};
  if (!baseUrl) {
    const eventsFile = join(mkdtempSync(join(tmpdir(), 'calendar-bench-')), 'events.jsonl');
    progress('starting the local runtime');
    // What the floor, calling the stores from this process, must share with the server.
    const shared = {
      // Each lane books thousands of meetings an hour: the invitation budget would refuse them.
      MEETINGS_PER_HOUR: '1000000',
      GUEST_INVITES_PER_HOUR: '1000000',
      CURSOR_KEYS: randomBytes(32).toString('base64url'),
      // In Lambda a process serves one request at a time: a group's reads (at most 25 at once, beside the
      // check of the caller's token) stay under its bound on DynamoDB calls in flight (64). Here all lanes
      // share one process (the server's, and the floor's in this one): 16 groups of 50 would be shed with
      // 503s that Lambda would never give.
      DYNAMODB_MAX_IN_FLIGHT: String(LANES * (READS_AT_ONCE + 1)),
    };
    Object.assign(process.env, shared);
    // The benchmark signs up and logs in far more than the brute-force guard allows one address.
    const server = await startLocalServer({
      ...shared,
      DYNAMODB_METRICS: '1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      LOGIN_ATTEMPTS_PER_IP: '1000000',
      LOGIN_ATTEMPTS_PER_USERNAME: '1000000',
      SIGNUPS_PER_IP: '1000000',
      EVENTS_FILE: eventsFile,
    });
    lagWatch = watchEventLag(eventsFile);
    baseUrl = server.url;
    process.env.DYNAMODB_ENDPOINT = server.dynamoDbEndpoint;
    // The engine keeps the server's database under the server's own key.
    process.env.AWS_ACCESS_KEY_ID = server.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = server.accessKeyId;
    process.env.TABLE_NAME = 'calendar';
    stop = () => server.stop();
    processes = localProcesses(server.process.pid);
  }
  const direct = Boolean(process.env.DYNAMODB_ENDPOINT);
  process.env.TABLE_NAME ||= 'calendar';
  process.env.AWS_REGION ||= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ||= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ||= 'local';

  try {
    const api = new Api(baseUrl);
    closeApi = () => api.close();
    const lanes = runs('operations') || runs('scaling') ? await prepareLanes(api) : undefined;
    let run = 0;
    const operations: { operation: string; concurrency: number; cold: LoadResult; http: LoadResult; floor?: LoadResult }[] = [];
    const eventLag: { concurrency: number; lag: EventLag }[] = [];
    if (lanes && runs('operations')) {
      for (const operation of OPERATIONS) {
        for (const concurrency of CONCURRENCY) {
          run += 1;
          // Each round books on days of its own: 30 days from each of these.
          const range = (index: number) => 100 + run * 30 * (2 + 2 * ROUNDS) + index * 30;
          // The first round of an operation is its cold one (the server's first requests of
          // that kind): reported apart, and the measured rounds run warm.
          progress(`${operation} at concurrency ${concurrency} over HTTP, warming up`);
          const cold = await runLoad(httpOperation(api, lanes, operation, range(0)), concurrency, WARM_UP_SECONDS);
          if (direct) await runLoad(floorOperation(lanes, operation, range(1)), concurrency, WARM_UP_SECONDS);
          const httpRounds: LoadResult[] = [];
          const floorRounds: LoadResult[] = [];
          for (let round = 0; round < ROUNDS; round++) {
            progress(`${operation} at concurrency ${concurrency} over HTTP, round ${round + 1} of ${ROUNDS}`);
            if (operation === 'booking' && round === 0) lagWatch?.start();
            httpRounds.push(await runLoad(httpOperation(api, lanes, operation, range(2 + 2 * round)), concurrency, SECONDS, processes));
            if (operation === 'booking' && round === 0 && lagWatch) eventLag.push({ concurrency, lag: await lagWatch.stop() });
            if (!direct) continue;
            progress(`${operation} at concurrency ${concurrency}, the floor, round ${round + 1} of ${ROUNDS}`);
            floorRounds.push(await runLoad(floorOperation(lanes, operation, range(3 + 2 * round)), concurrency, SECONDS, processes));
          }
          operations.push({
            operation,
            concurrency,
            cold,
            http: medianRound(httpRounds),
            floor: direct ? medianRound(floorRounds) : undefined,
          });
        }
      }
    }

    let commonTime: CommonTimeRun | undefined;
    if (runs('common')) {
      const group = await prepareGroup(api, progress);
      commonTime = await measureCommonTime(api, group, {
        concurrency: CONCURRENCY,
        seconds: SECONDS,
        warmUpSeconds: WARM_UP_SECONDS,
        progress,
      });
    }

    const scaling: { table: string; user: string; operation: string; result: LoadResult }[] = [];
    let feed: FeedBench | undefined;
    let counterCatchUp: { entries: number; seconds: number } | undefined;
    if (lanes && runs('scaling') && direct) {
      const small = await api.account('small');
      const big = await api.account('big');
      progress('seeding 10 and 2,000 meetings');
      await inBatches(
        Array.from({ length: 10 }, (_, i) => i),
        10,
        (i) => bookDirectly(small, [], laneSlot(2, i)),
      );
      await inBatches(
        Array.from({ length: 2000 }, (_, i) => i),
        16,
        (i) => bookDirectly(big, [], laneSlot(2, i)),
      );
      counterCatchUp = { entries: 2010, seconds: await countersCaughtUp([small, big]) };
      const measure = async (table: string) => {
        for (const [user, account] of [
          ['10 meetings', small],
          ['2,000 meetings', big],
        ] as const) {
          const scaled: Lanes = { ...lanes, lister: account, watched: account, availabilityDate: dayFromNow(3) };
          for (const operation of ['listing', 'availability']) {
            progress(`scaling: ${operation} for a user with ${user}, ${table}`);
            scaling.push({ table, user, operation, result: await runLoad(httpOperation(api, scaled, operation, 0), 16, SECONDS / 2) });
          }
        }
      };
      await measure('small table');
      await fillTable(FILLER_ITEMS);
      await measure(`${FILLER_ITEMS.toLocaleString('en')}+ more items`);
      feed = await measureFeed(api, SECONDS / 2, progress);
    }

    let coldStarts: ReturnType<typeof measureColdStarts> | undefined;
    if (runs('cold-start')) {
      progress('cold starts: bundling with cdk synth and loading each function 11 times');
      coldStarts = measureColdStarts();
    }
    progress('done\n');

    const sections = {
      ...(runs('operations') && {
        operations: operations.map((entry) => ({
          ...entry,
          costPerMillion: costPerMillion(entry.http),
        })),
        eventLag,
      }),
      ...(runs('common') && { commonTime }),
      ...(runs('scaling') && { scaling, feed, counterCatchUp }),
      ...(coldStarts && { coldStarts }),
    };
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      target: baseUrl,
      secondsPerMeasurement: SECONDS,
      prices: PRICES,
      ...sections,
      benchSeconds: (Date.now() - started) / 1000,
    };
    // A run of some sections replaces only those in the file; the rest stay from the run that measured them.
    const previous = ONLY?.length && existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as object) : undefined;
    writeFileSync(RESULTS_FILE, `${JSON.stringify(previous ? { ...previous, ...sections } : results, null, 2)}\n`);
    printReport(results);
    if (feed) printFeed(feed);
  } finally {
    closeApi?.();
    lagWatch?.close();
    await stop?.();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
