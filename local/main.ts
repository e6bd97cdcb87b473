/**
 * `npm start`: the whole API on one machine. Starts DynamoDB Local (unless
 * DYNAMODB_ENDPOINT names a running one), creates the table, and serves every route on
 * http://localhost:$PORT with the same handlers that run in Lambda.
 *
 * Settings (environment): PORT (3000), HOST (127.0.0.1), DATA_DIR (keep data there;
 * in memory otherwise), TIME_ZONE (UTC), TABLE_NAME (calendar), DYNAMODB_ENDPOINT,
 * BCRYPT_ROUNDS (10), SESSION_TTL_SECONDS (1209600).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { JavaMissingError, type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { createApiServer } from './server';
import { ensureTable, localClient } from './table';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  process.env.TABLE_NAME ||= 'calendar';
  process.env.AWS_REGION ||= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ||= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ||= 'local';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ||= 'WARN';

  let database: RunningDynamoDb | undefined;
  if (!process.env.DYNAMODB_ENDPOINT) {
    const dataDir = process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : undefined;
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    database = await startDynamoDbLocal({ dataDir });
    process.env.DYNAMODB_ENDPOINT = database.endpoint;
  }

  const server = createApiServer();
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    await database?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  database?.process.on('exit', (code) => {
    if (!stopping) {
      console.error(`DynamoDB Local stopped unexpectedly (exit code ${code}).`);
      void stop(1);
    }
  });

  await ensureTable(localClient(process.env.DYNAMODB_ENDPOINT), process.env.TABLE_NAME);
  server.on('error', (error) => {
    console.error(`Cannot serve on ${host}:${port}: ${error.message}`);
    void stop(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const where = process.env.DATA_DIR ? `data in ${resolve(process.env.DATA_DIR)}` : 'data in memory';
    console.log(`Calendar API listening on http://localhost:${actualPort} (DynamoDB at ${process.env.DYNAMODB_ENDPOINT}, ${where}, TIME_ZONE=${process.env.TIME_ZONE || 'UTC'})`);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof JavaMissingError ? error.message : error);
  process.exit(1);
});
