/**
 * Cold load of every function exactly as CDK bundles it: `cdk synth` builds the bundles
 * (minified, tree-shaken ESM), then a fresh `node` loads each one and builds its handler,
 * 11 times, beside a bare `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ColdStart {
  function: string;
  bundleKB: number;
  loadMs: number;
  aboveBareMs: number;
}

const RUNS = 11;

function medianMs(args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { env, stdio: 'pipe' });
    times.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export function measureColdStarts(): { bareNodeMs: number; functions: ColdStart[] } {
  const out = mkdtempSync(join(tmpdir(), 'bench-cdk-'));
  try {
    const synth = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', out], {
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
    });
    if (synth.status !== 0) throw new Error(`cdk synth failed: ${synth.stderr}`);
    const template = JSON.parse(readFileSync(join(out, 'CalendarService.template.json'), 'utf8'));
    const env = {
      PATH: process.env.PATH,
      TABLE_NAME: 'calendar',
      EVENT_BUS_NAME: 'calendar-events',
      WEBHOOK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/webhooks',
      AWS_REGION: 'us-east-1',
      TIME_ZONE: 'UTC',
    };
    const bareNodeMs = medianMs(['-e', '0'], env);
    const functions: ColdStart[] = [];
    for (const [logicalId, resource] of Object.entries(
      template.Resources as Record<string, { Type: string; Metadata?: Record<string, string> }>,
    )) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const bundle = join(out, resource.Metadata!['aws:asset:path']!, 'index.mjs');
      const script = `const m = await import(${JSON.stringify(bundle)}); if (typeof m.handler !== 'function') process.exit(1);`;
      const loadMs = medianMs(['--input-type=module', '-e', script], env);
      functions.push({
        function: logicalId.replace(/Function[0-9A-F]{8}$/, ''),
        bundleKB: statSync(bundle).size / 1024,
        loadMs,
        aboveBareMs: loadMs - bareNodeMs,
      });
    }
    return { bareNodeMs, functions };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
