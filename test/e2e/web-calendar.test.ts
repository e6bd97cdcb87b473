/**
 * The web calendar at `/` in a real browser (headless Chromium) against `npm start`, as
 * two people use it: both sign up through the page; Ana blocks hours of next week; Bo
 * finds a common time with her and books it; Ana declines; Bo reschedules and cancels.
 * Every screen is scanned with axe-core (no serious or critical violation), breaks no rule
 * of the page's Content-Security-Policy and loads nothing from another host.
 * Screenshots of each step go to reports/screenshots/web-*.png (not committed).
 */
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { addDays, dayMonth, hourLabel, longDate, weekday, weekStart, zoneNow } from '../../web/src/dates';
import { uniqueUser } from '../support/api';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(180_000);

const SCREENSHOTS = join(process.cwd(), 'reports', 'screenshots');
// A zone away from UTC: the grid shows the API's dates and hours, which are wall-clock time there.
const ZONE = 'Asia/Kolkata';

function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium not found: install it (apt-get install -y --no-install-recommends chromium)');
  }
}

let server: LocalServer;
let browser: Browser;
const problems: string[] = [];
const foreign: string[] = [];

async function person(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.on('console', (message) => {
    // A refused call shows in the console as a failed resource: the page shows those itself.
    if (
      (message.type() === 'error' || message.type() === 'warning') &&
      !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())
    ) {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url)) foreign.push(request.url());
  });
  return { context, page };
}

/** axe-core's serious and critical findings on the page as it is. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

async function step(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `web-${name}.png`), fullPage: true });
  expect({ screen: name, violations: await accessibilityProblems(page) }).toEqual({ screen: name, violations: [] });
}

const cellName = (date: string, hour: number, state: string) => `${weekday(date)} ${dayMonth(date)} ${hourLabel(hour)}: ${state}`;

const ana = uniqueUser('ana');
const bo = uniqueUser('bo');
let anaPage: Page;
let boPage: Page;
// Next week: every hour of it lies ahead, whatever the time now.
const today = zoneNow(ZONE).date;
const tuesday = addDays(weekStart(today), 8);
const wednesday = addDays(tuesday, 1);

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startLocalServer({ BCRYPT_ROUNDS: '4', TIME_ZONE: ZONE }),
    chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] }),
  ]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  anaPage = (await person()).page;
  boPage = (await person()).page;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signUp(page: Page, who: { username: string; email: string; password: string }, shoot: boolean) {
  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  if (shoot) await step(page, 'login');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  if (shoot) await step(page, 'signup');
  await page.getByLabel('Username', { exact: true }).fill(who.username);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'My week' }).waitFor();
}

async function openMeetings(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Meetings' }).click();
  await page.getByRole('heading', { name: 'Meetings', level: 1 }).waitFor();
}

describe('the web calendar', () => {
  it('serves its page at / from its own files under a strict policy', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain(`<meta name="time-zone" content="${ZONE}">`);
    expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
  });

  it('lets two people sign up through the page', async () => {
    await signUp(anaPage, ana, true);
    await expect(anaPage.getByRole('button', { name: ana.username }).count()).resolves.toBe(0);
    await expect(anaPage.locator('.who-name').textContent()).resolves.toBe(ana.username);
    await signUp(boPage, bo, false);
    await step(boPage, 'week-empty');
  });

  it('blocks hours of a day by a click and by a drag, and unblocks one by a click', async () => {
    await anaPage.getByRole('button', { name: 'Next' }).click();
    const ten = anaPage.getByRole('button', { name: cellName(tuesday, 10, 'Free') });
    await ten.click();
    await anaPage.getByRole('button', { name: cellName(tuesday, 10, 'Blocked') }).waitFor();
    await expect(anaPage.getByRole('status').filter({ hasText: 'Blocked 10:00–11:00' }).count()).resolves.toBe(1);

    // Drag from 13:00 down to 16:00 (four hours), then give 16:00 back.
    await anaPage.getByRole('button', { name: cellName(tuesday, 17, 'Free') }).scrollIntoViewIfNeeded();
    const from = (await anaPage.getByRole('button', { name: cellName(tuesday, 13, 'Free') }).boundingBox())!;
    const to = (await anaPage.getByRole('button', { name: cellName(tuesday, 16, 'Free') }).boundingBox())!;
    await anaPage.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await anaPage.mouse.down();
    await anaPage.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
    await anaPage.mouse.up();
    await anaPage.getByRole('button', { name: cellName(tuesday, 16, 'Blocked') }).waitFor();
    for (const hour of [13, 14, 15]) await anaPage.getByRole('button', { name: cellName(tuesday, hour, 'Blocked') }).waitFor();
    await anaPage.getByRole('button', { name: cellName(tuesday, 16, 'Blocked') }).click();
    await anaPage.getByRole('button', { name: cellName(tuesday, 16, 'Free') }).waitFor();
    // And by keyboard: from 16:00 down one hour, then Enter.
    await anaPage.keyboard.press('ArrowDown');
    await anaPage.keyboard.press('Enter');
    await anaPage.getByRole('button', { name: cellName(tuesday, 17, 'Blocked') }).waitFor();
    await expect(anaPage.getByRole('button', { name: cellName(tuesday, 17, 'Blocked') }).getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );
    await step(anaPage, 'week-blocked');
  });

  it("shows another person's week by email: busy where she blocked", async () => {
    await boPage.getByRole('button', { name: 'Next' }).click();
    await boPage.getByLabel('See someone’s week').fill(ana.email);
    await boPage.getByRole('button', { name: 'Show', exact: true }).click();
    await boPage.getByRole('heading', { name: `${ana.email}’s week` }).waitFor();
    await boPage.getByRole('button', { name: cellName(tuesday, 10, 'Busy') }).waitFor();
    await boPage.getByRole('button', { name: cellName(tuesday, 11, 'Free') }).waitFor();
    await step(boPage, 'someones-week');
  });

  it('finds the common free hours with her, shows an unknown email clearly, and books a time', async () => {
    await boPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Find a time' }).click();
    await boPage.getByRole('heading', { name: 'Find a time' }).waitFor();
    await boPage.getByLabel('People', { exact: true }).fill(`${ana.email}, nobody-${ana.username}@example.com`);
    await boPage.getByLabel('From', { exact: true }).fill(tuesday);
    await boPage.getByLabel('To', { exact: true }).fill(tuesday);
    await boPage.getByRole('button', { name: 'Find times' }).click();
    // The API's message, beside the field it is about.
    await boPage.getByText(`Invalid email "nobody-${ana.username}@example.com" - object does not exist.`).waitFor();
    await expect(boPage.getByLabel('People', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await step(boPage, 'find-error');

    await boPage.getByLabel('People', { exact: true }).fill(ana.email);
    await boPage.getByRole('button', { name: 'Find times' }).click();
    const common = boPage.getByRole('group', { name: longDate(tuesday) });
    await common.waitFor();
    const hours = await common.getByRole('button').allTextContents();
    expect(hours).toContain('11:00');
    for (const busy of ['10:00', '13:00', '14:00', '15:00', '17:00']) expect(hours).not.toContain(busy);
    await common.getByRole('button', { name: '11:00' }).click();
    await boPage.getByLabel('Title', { exact: true }).fill('Project kickoff');
    await boPage.getByLabel('Description', { exact: true }).fill('Plan the first month.');
    await expect(boPage.getByLabel('Guests', { exact: true }).inputValue()).resolves.toBe(ana.email);
    await step(boPage, 'find-book');
    await boPage.getByRole('button', { name: 'Book meeting' }).click();
    await boPage.getByRole('status').filter({ hasText: 'Booked Project kickoff' }).waitFor();
  });

  it("shows the meeting in the guest's week, and she declines it", async () => {
    await anaPage.reload();
    await anaPage.getByRole('button', { name: 'Next' }).click();
    await anaPage.getByRole('button', { name: cellName(tuesday, 11, 'Meeting: Project kickoff') }).waitFor();
    await step(anaPage, 'week');

    await openMeetings(anaPage);
    const card = anaPage.getByRole('article', { name: 'Project kickoff' });
    await expect(card.getByRole('listitem').filter({ hasText: ana.email }).textContent()).resolves.toContain('No answer yet');
    await expect(card.getByRole('listitem').filter({ hasText: bo.email }).textContent()).resolves.toContain('Organiser');
    await card.getByRole('button', { name: 'Decline' }).click();
    await card.getByRole('status').filter({ hasText: 'You declined' }).waitFor();
    await expect(card.getByRole('listitem').filter({ hasText: ana.email }).textContent()).resolves.toContain('Declined');
    await expect(card.getByRole('button', { name: 'Decline' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await step(anaPage, 'meetings-guest');
  });

  it('lets the organiser see the answer, reschedule and cancel', async () => {
    await openMeetings(boPage);
    const card = boPage.getByRole('article', { name: 'Project kickoff' });
    await expect(card.getByRole('listitem').filter({ hasText: ana.email }).textContent()).resolves.toContain('Declined');
    await card.getByRole('button', { name: 'Reschedule' }).click();
    await card.getByLabel('New date', { exact: true }).fill(wednesday);
    await card.getByLabel('Hour', { exact: true }).selectOption('9');
    await step(boPage, 'meetings-reschedule');
    await card.getByRole('button', { name: 'Move meeting' }).click();
    await card
      .getByRole('status')
      .filter({ hasText: `Moved to ${weekday(wednesday)} ${dayMonth(wednesday)}, 09:00–10:00` })
      .waitFor();

    await card.getByRole('button', { name: 'Cancel meeting' }).click();
    await card.getByRole('button', { name: 'Yes, cancel it' }).click();
    await boPage.getByText('No upcoming meetings.').waitFor();
    await boPage.getByRole('button', { name: 'Cancelled', exact: true }).click();
    const cancelled = boPage.getByRole('article', { name: /Project kickoff/ });
    await cancelled.getByText('Cancelled', { exact: true }).waitFor();
    await expect(cancelled.textContent()).resolves.toContain(`${weekday(wednesday)} ${dayMonth(wednesday)}, 09:00–10:00`);
    await step(boPage, 'meetings-cancelled');
  });

  it('gives a calendar feed link to copy, and logs out', async () => {
    await boPage.getByRole('button', { name: 'Get my feed link' }).click();
    const link = await boPage.getByLabel('Feed link').inputValue();
    expect(link).toMatch(/\/api\/calendar\/[^/]+\.ics$/);
    expect((await fetch(link.replace(/^https?:\/\/[^/]+/, server.url))).status).toBe(200);
    await expect(boPage.getByRole('link', { name: 'Open in calendar app' }).getAttribute('href')).resolves.toMatch(/^webcal:\/\//);
    await step(boPage, 'feed');

    await boPage.getByRole('button', { name: 'Log out' }).click();
    await boPage.getByRole('heading', { name: 'Log in' }).waitFor();
    await boPage.reload();
    await boPage.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
