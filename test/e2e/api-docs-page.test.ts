/**
 * The docs page in a real browser (headless Chromium) against `npm start`: it renders
 * every operation of the document from our own files only, breaks no rule of its
 * Content-Security-Policy, and a person can authorise with a real token and try a call.
 * Screenshots go to reports/screenshots/ (not committed).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { uniqueUser } from '../support/api';
import { httpClient, httpUser } from '../support/http-client';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(120_000);

const SCREENSHOTS = join(process.cwd(), 'reports', 'screenshots');

/** The Chromium of this machine (`.ci/run` installs Debian's when missing). */
function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium not found: install it (apt-get install -y --no-install-recommends chromium)');
  }
}

let server: LocalServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const foreignRequests: string[] = [];
let operationCount: number;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startLocalServer({ BCRYPT_ROUNDS: '4' }),
    chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] }),
  ]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
  operationCount = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).length, 0);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the API docs page', () => {
  it('renders every operation of the document, from our own files only, with no console error or policy violation', async () => {
    const response = await page.goto(`${server.url}/api/docs/`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBe(operationCount);
    await expect(page.locator('.info .title').textContent()).resolves.toContain('Calendar booking API');
    await page.screenshot({ path: join(SCREENSHOTS, 'api-docs.png'), fullPage: false });
    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it('authorises with a real token and tries GET /api/user/get_detail/ from the page', async () => {
    const credentials = uniqueUser('docs');
    const me = await httpUser(
      httpClient(() => server.url),
      credentials,
    );

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    // The dialog lists the document's schemes in order: token, session, csrf.
    const token = page.locator('.modal-ux .auth-container').filter({ hasText: 'token (apiKey)' });
    await token.locator('input').fill(me.auth.authorization);
    await token.locator('button.authorize').click();
    await token.getByText('Logout').waitFor();
    await page.locator('.modal-ux button.btn-done').first().click();

    const operation = page.locator('#operations-Users-GetDetail');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    const shown = await operation.locator('.live-responses-table .response-col_description pre').first().textContent();
    expect(JSON.parse(shown ?? '')).toMatchObject({
      is_authenticated: true,
      user: { username: credentials.username, email: credentials.email },
    });
    await operation.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'api-docs-try-it.png'), fullPage: false });
    expect(problems).toEqual([]);
  });
});
