/**
 * `npm run check-integrity` as an operator runs it: against the running `npm start`
 * without knowing its engine, and with a clear word when there is nothing to check.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb-local';
import { uniqueUser } from '../support/api';
import { httpClient, httpUser } from '../support/http-client';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(120_000);

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
});
afterAll(() => server.stop());

/** Runs the script as `npm run check-integrity` does, with only the given settings. */
function checkIntegrity(env: Record<string, string>) {
  const tsx = join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return spawnSync(process.execPath, [tsx, join(process.cwd(), 'scripts', 'check-integrity.ts')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
}

describe('npm run check-integrity', () => {
  it('finds the running npm start by its port and checks its table', async () => {
    await httpUser(
      httpClient(() => server.url),
      uniqueUser('integrity'),
    );
    const run = checkIntegrity({ PORT: String(server.port) });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^calendar at http://localhost:${server.port}: \\d+ items read, 0 problems found\\n$`));
    expect(run.status).toBe(0);
  });

  it('says what to do when there is nothing to check', async () => {
    const run = checkIntegrity({ PORT: String(await freePort()) });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Nothing to check: no `npm start` runs on this port and no database is named.');
    expect(run.stderr).toContain('DYNAMODB_ENDPOINT');
    expect(run.stderr).toContain('AWS_REGION and TABLE_NAME');
  });
});
