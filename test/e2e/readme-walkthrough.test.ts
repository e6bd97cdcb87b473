/**
 * The README's first walk-through runs as written: its shell blocks are taken from the
 * README, run in one bash session against a fresh `npm start`, and every answer is
 * compared with the line the README shows under its command (ids, times and dates
 * masked). When an answer changes, this fails until the README says what comes back.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(120_000);

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

/** What changes from run to run: ids, tokens, record times, dates. */
export function masked(text: string): string {
  return text
    .replace(/"(created|modified)":"[^"]*"/g, '"$1":"<time>"')
    .replace(/\b[0-9A-HJKMNP-TV-Z]{26}\b/g, '<id>')
    .replace(/\b[0-9a-f]{40,}\b/g, '<token>')
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, '<date>');
}

const MARK = '@@readme-step@@';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
});
afterAll(() => server?.stop());

describe('the README walk-through', () => {
  const steps = stepsOf(readFileSync(join(__dirname, '../../README.md'), 'utf8'), '## A first walk-through');

  it('is there, with an answer shown for most of its steps', () => {
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(steps.filter((step) => step.expected !== undefined).length).toBeGreaterThanOrEqual(10);
  });

  it('answers every step as the README shows, run as written in one bash session', () => {
    const script = steps.map((step) => `${step.commands.join('\n')}\necho ${MARK}`).join('\n');
    // The only change: the API is the test's own server, not localhost:3000.
    const run = spawnSync('bash', ['-c', script.replaceAll('http://localhost:3000', server.url)], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.stderr).toBe('');
    const outputs = run.stdout.split(`${MARK}\n`);
    expect(outputs).toHaveLength(steps.length + 1);
    steps.forEach((step, index) => {
      const printed = outputs[index]!.trim();
      const shown = step.expected === undefined ? '' : step.expected;
      expect({ command: step.commands.at(-1), printed: masked(printed) }).toEqual({
        command: step.commands.at(-1),
        printed: masked(shown),
      });
    });
  });
});
