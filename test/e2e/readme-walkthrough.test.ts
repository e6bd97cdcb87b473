/**
 * The README's examples run as written: the shell blocks of the first walk-through and of
 * every section after it that calls the API ("Authentication, by example" to "Calendar
 * feeds") are taken from the README, run in that order in one bash session against a
 * fresh `npm start`, and every answer is compared with the lines the README shows under
 * its command (ids, tokens, secrets, times and dates masked; a `...` in a shown answer
 * stands for any text). When an answer changes, this fails until the README says what
 * comes back.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(150_000);

/** The README's sections whose shell blocks run, in the README's order: each goes on from the one before. */
export const SECTIONS = [
  '## A first walk-through',
  '## Authentication, by example',
  '## Availability and booking, by example',
  '## Scheduling, by example',
  '## Meetings over time, by example',
  '## Guests answer, by example',
  '## Webhooks',
  '## Calendar feeds',
] as const;

interface Step {
  commands: string[];
  /** What the README shows the commands print; undefined when they print nothing. */
  expected: string | undefined;
}

/** The shell blocks of a README section, as steps: commands, then the `# ` lines of their output. */
export function stepsOf(readme: string, heading: string): Step[] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section "${heading}" in the README`);
  const end = readme.indexOf('\n## ', start + heading.length + 2);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const steps: Step[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let current: Step | undefined;
    for (const line of block[1]!.split('\n')) {
      if (line.trim() === '') continue;
      if (line.startsWith('# ')) {
        if (!current) throw new Error(`an output line before any command: ${line}`);
        current.expected = current.expected === undefined ? line.slice(2) : `${current.expected}\n${line.slice(2)}`;
        continue;
      }
      if (!current || current.expected !== undefined) {
        current = { commands: [], expected: undefined };
        steps.push(current);
      }
      current.commands.push(line);
    }
  }
  return steps;
}

/** What changes from run to run: ids, tokens, feed secrets, record times, dates. */
export function masked(text: string): string {
  return text
    .replace(/"(created|modified)":"[^"]*"/g, '"$1":"<time>"')
    .replace(/(?<![0-9A-Za-z])[0-9A-HJKMNP-TV-Z]{26}(?![0-9A-Za-z])/g, '<id>')
    .replace(/\b[0-9a-f]{40,}\b/g, '<token>')
    .replace(/\/api\/calendar\/[\w-]{43}\.ics\b/g, '/api/calendar/<secret>.ics')
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, '<date>');
}

/** Whether a printed answer is the one shown, once both are masked; `...` in the shown one stands for any text. */
export function matches(printed: string, shown: string): boolean {
  const pattern = masked(shown)
    .split('...')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*?');
  return new RegExp(`^${pattern}$`).test(masked(printed));
}

const MARK = '@@readme-step@@';
const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const sections = SECTIONS.map((heading) => ({ heading, steps: stepsOf(readme, heading) }));

describe('comparing an answer with the one the README shows', () => {
  it('masks what changes from run to run, and reads `...` as any text', () => {
    expect(
      matches('{"id":"01M9187X91N5T6GXD009VQ42RH","date":"2026-12-06"} 201', '{"id":"01M85MERBQ967RQW0THM9EBQW1","date":"2027-03-01"} 201'),
    ).toBe(true);
    expect(matches('{"a":1,"b":[2,3],"c":"x"} 200', '{"a":1,...,"c":"x"} 200')).toBe(true);
    expect(matches('{"event_id":"ping_01M91CCFWPMESSP9GXDHY49BR2"} 202', '{"event_id":"ping_01M85MERBQ967RQW0THM9EBQW1"} 202')).toBe(true);
  });

  it('still tells another status, another field or a longer answer apart', () => {
    expect(matches('{"a":1,"b":2} 201', '{"a":1,...} 200')).toBe(false);
    expect(matches('{"a":1,"c":"y"} 200', '{"a":1,...,"c":"x"} 200')).toBe(false);
    expect(matches('{"a":1} 200 and more', '{"a":1} 200')).toBe(false);
    expect(matches('{"a":1.5} 200', '{"a":1x5} 200')).toBe(false);
  });
});

describe('the README examples', () => {
  let server: LocalServer;
  let workDir: string;
  let run: SpawnSyncReturns<string>;
  let outputs: string[];

  beforeAll(async () => {
    server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
    // Every section, in the README's order, in one bash session, in a folder of its own
    // (the session examples keep a cookie jar in the working directory).
    workDir = mkdtempSync(join(tmpdir(), 'readme-examples-'));
    const steps = sections.flatMap((section) => section.steps);
    const script = steps.map((step) => `${step.commands.join('\n')}\necho ${MARK}`).join('\n');
    // The only change: the API is the test's own server, not localhost:3000.
    run = spawnSync('bash', ['-c', script.replaceAll('http://localhost:3000', server.url)], {
      cwd: workDir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    // ... and its answers name localhost:3000 again, as the README shows them.
    outputs = run.stdout.replaceAll(new URL(server.url).host, 'localhost:3000').split(`${MARK}\n`);
  });
  afterAll(async () => {
    await server?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('run to the end without a word on stderr', () => {
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(outputs).toHaveLength(sections.reduce((count, section) => count + section.steps.length, 0) + 1);
  });

  it('show an answer for most steps of the walk-through, and for some of every other section', () => {
    const [walkThrough, ...others] = sections;
    expect(walkThrough!.steps.length).toBeGreaterThanOrEqual(10);
    expect(walkThrough!.steps.filter((step) => step.expected !== undefined).length).toBeGreaterThanOrEqual(10);
    for (const section of others) {
      expect({ section: section.heading, answers: section.steps.some((step) => step.expected !== undefined) }).toEqual({
        section: section.heading,
        answers: true,
      });
    }
  });

  let first = 0;
  for (const section of sections) {
    const offset = first;
    first += section.steps.length;
    it(`answer as "${section.heading.slice(3)}" shows, every step`, () => {
      section.steps.forEach((step, index) => {
        const printed = (outputs[offset + index] ?? '').trim();
        // A step that shows nothing must print nothing.
        const shown = step.expected === undefined ? '' : step.expected.trim();
        expect({ command: step.commands.at(-1), printed: matches(printed, shown) ? masked(shown) : masked(printed) }).toEqual({
          command: step.commands.at(-1),
          printed: masked(shown),
        });
      });
    });
  }
});
