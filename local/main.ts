/**
 * `npm start`: the whole API on one machine. Starts DynamoDB Local (unless
 * DYNAMODB_ENDPOINT names a running one), creates the table, and serves every route on
 * http://localhost:$PORT with the same handlers that run in Lambda.
 *
 * Settings: the environment, read through the one schema in `functions/config.ts`.
 */
import './defaults';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { provideDeliveryQueue } from '../functions/delivery-queue';
import { streamCounter } from '../functions/integrations/stream-counter';
import { streamPublisher } from '../functions/integrations/stream-publisher';
import { attemptDelivery, type DeliveryDeps, fanOut } from '../functions/integrations/webhook-delivery';
import { postWebhook } from '../functions/integrations/webhook-http';
import { secretBox } from '../functions/secret-box';
import { services } from '../functions/services';
import { createMeetingCounts } from '../functions/store';
import { ConfigError, readConfig, readLocalConfig, readSetting } from '../functions/config';
import { JavaMissingError, localAccessKey, type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { appendToFile, InProcessBus } from './event-bus';
import { createApiServer, preloadHandlers } from './server';
import { startStreamPoller, type StreamPoller } from './stream-poller';
import { InProcessDeliveryQueue } from './webhook-queue';
import { localCursorKey, localSecretKey } from './kept-keys';
import { writeRuntimeFile } from './runtime-file';
import { ensureTable, localClient } from './table';

/** How often the server checks that the process that started it still runs. */
const PARENT_CHECK_MS = 500;

async function main(): Promise<void> {
  const { port, host, dataDir } = readLocalConfig(process.env);
  const eventsFile = readSetting('eventsFile', process.env);
  const directory = dataDir ? resolve(dataDir) : undefined;
  if (directory) makeDataDir(dataDir!, directory);
  // Webhook signing secrets are sealed under a key of this machine's (KMS in AWS).
  process.env.WEBHOOK_SECRET_KEY ||= localSecretKey(directory);
  // Listing cursors are sealed under a key of this machine's (the stack's secret in AWS).
  process.env.CURSOR_KEYS ||= localCursorKey(directory);

  // Every setting is checked before the engine starts: a wrong one stops here, in one line.
  const { tableName } = readConfig(process.env);

  process.env.AWS_ACCESS_KEY_ID ||= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ||= 'local';
  let database: RunningDynamoDb | undefined;
  let poller: StreamPoller | undefined = undefined;
  let counter: StreamPoller | undefined = undefined;
  let deliveries: InProcessDeliveryQueue | undefined = undefined;
  let removeRuntimeFile: (() => void) | undefined = undefined;
  if (!process.env.DYNAMODB_ENDPOINT) {
    // The engine's database is named by this key: nobody without it sees the tables.
    const key = readSetting('localAccessKey', process.env) || localAccessKey(directory);
    process.env.AWS_ACCESS_KEY_ID = key;
    process.env.AWS_SECRET_ACCESS_KEY = key;
    database = await startDynamoDbLocal({ dataDir: directory });
    process.env.DYNAMODB_ENDPOINT = database.endpoint;
  }

  const server = createApiServer();
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    removeRuntimeFile?.();
    await poller?.stop();
    await counter?.stop();
    await deliveries?.stop();
    await database?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  // Started by npm (or a test, or a shell) that ended without passing a signal on: stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    console.error(`The process that started this server (pid ${parent}) has ended: stopping.`);
    void stop(0);
  }, PARENT_CHECK_MS).unref();
  database?.process.on('exit', (code, signal) => {
    if (stopping) return;
    // The API stays up and answers 503 (its calls fail fast), so clients see a clean error, not a hang.
    console.error(
      `DynamoDB Local stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}): requests that need the database answer 503 until npm start is restarted${dataDir ? ` (the data in ${resolve(dataDir)} is kept)` : ' (the data was in memory and is lost)'}.`,
    );
  });

  const client = localClient(process.env.DYNAMODB_ENDPOINT);
  await ensureTable(client, tableName);

  // Webhooks: the same delivery code as in AWS behind an in-process queue (kept in DATA_DIR).
  const { webhooks, config } = services();
  const queue = new InProcessDeliveryQueue({
    run: (task) => attemptDelivery(task, deliveryDeps),
    ...(dataDir ? { file: join(resolve(dataDir), 'webhook-queue.json') } : {}),
  });
  const deliveryDeps: DeliveryDeps = {
    webhooks,
    secrets: secretBox(),
    queue,
    send: (url, body, headers) => postWebhook(new URL(url), body, headers, { policy: config.webhooks.policy }),
    retryScale: config.webhooks.retryScale,
  };
  deliveries = queue;
  provideDeliveryQueue(queue);
  await queue.restore();

  // Domain events: the table's stream -> the same publisher as in AWS -> the in-process bus
  // -> the events file and the webhook fan-out.
  const bus = new InProcessBus();
  if (eventsFile) bus.subscribe(appendToFile(resolve(eventsFile)));
  bus.subscribe(async (publication) => void (await fanOut(publication, deliveryDeps)));
  poller = startStreamPoller({
    client,
    tableName,
    handle: streamPublisher(bus),
    ...(dataDir ? { positionFile: join(resolve(dataDir), 'stream-position.json') } : {}),
    // Like the failure queue in AWS: a change whose event was never accepted is kept (with DATA_DIR) and told.
    onGiveUp: async (record) => {
      const where = dataDir ? join(resolve(dataDir), 'failed-changes.jsonl') : undefined;
      if (where) await appendFile(where, `${JSON.stringify(record)}\n`);
      console.error(
        `Domain events: gave up the change ${record.dynamodb?.SequenceNumber} of ${JSON.stringify(record.dynamodb?.Keys)}${where ? ` (kept in ${where})` : ''}`,
      );
    },
  });

  // Meeting counters: the table's stream -> the same counter as in AWS (its own event source there too).
  counter = startStreamPoller({
    client,
    tableName,
    handle: streamCounter(createMeetingCounts(services().dynamoDb, tableName), (error, key) =>
      console.error(`Meeting counters: could not recount ${key.pk} ${key.sk} (it is read again): ${String(error)}`),
    ),
    ...(dataDir ? { positionFile: join(resolve(dataDir), 'count-position.json') } : {}),
    onGiveUp: (record) =>
      console.error(
        `Meeting counters: gave up the change ${record.dynamodb?.SequenceNumber} of ${JSON.stringify(record.dynamodb?.Keys)}; counts stay exact (they read what the counters have not caught up with) at a higher cost`,
      ),
  });

  server.on('error', (error: NodeJS.ErrnoException) => {
    const advice =
      error.code === 'EADDRINUSE'
        ? ` Another program (another npm start?) listens there: stop it, or choose another port, e.g. PORT=${port + 1} npm start.`
        : '';
    console.error(`Cannot serve on ${host}:${port}: ${error.message}.${advice}`);
    void stop(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const where = dataDir ? `data in ${resolve(dataDir)}` : 'data in memory';
    removeRuntimeFile = writeRuntimeFile(actualPort, {
      pid: process.pid,
      url: `http://localhost:${actualPort}`,
      dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT as string,
      accessKeyId: process.env.AWS_ACCESS_KEY_ID as string,
      tableName,
    });
    console.log(
      `Calendar API listening on http://localhost:${actualPort} (DynamoDB at ${process.env.DYNAMODB_ENDPOINT}, ${where}, TIME_ZONE=${process.env.TIME_ZONE || 'UTC'})`,
    );
    void preloadHandlers();
  });
}

/** Makes DATA_DIR and checks that files can be written in it (its keys and positions are). */
function makeDataDir(setting: string, directory: string): void {
  const refuse = (why: string) => new ConfigError(`Environment variable DATA_DIR must name a directory this user may write: ${why}`);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw refuse((error as NodeJS.ErrnoException).code === 'EEXIST' ? `"${setting}" is a file` : (error as Error).message);
  }
  const probe = join(directory, `.write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch {
    throw refuse(`cannot write in "${setting}"`);
  }
}

main().catch((error: unknown) => {
  // What the user can fix is said in one line; anything else is shown whole.
  console.error(error instanceof JavaMissingError || error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
