import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routes } from '../../functions/routes';

// The real `cdk synth`, bundling every function with the local esbuild, with no network:
// notices, telemetry and version checks are off in cdk.json and the environment.
describe('cdk synth', () => {
  const out = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes offline with one bundled function per route entry, the fallback, the event publisher and the webhook worker', () => {
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', out], {
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
      timeout: 180_000,
    });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });

    const template = JSON.parse(readFileSync(join(out, 'CalendarService.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, { Type: string }>).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    expect(functions).toHaveLength(routes.length + 3);

    const bundles = readdirSync(out).filter((name) => name.startsWith('asset.') && statSync(join(out, name)).isDirectory());
    expect(bundles.length).toBe(routes.length + 3);
    for (const bundle of bundles) expect(readdirSync(join(out, bundle))).toContain('index.mjs');

    // Each bundle loads in a fresh Node process and exports its handler, as Lambda needs.
    for (const bundle of bundles) {
      const load = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(out, bundle, 'index.mjs'))}); console.log(typeof m.handler);`,
        ],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            TABLE_NAME: 'calendar',
            EVENT_BUS_NAME: 'calendar-events',
            WEBHOOK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/calendar-webhooks',
            AWS_REGION: 'us-east-1',
          },
          timeout: 30_000,
        },
      );
      expect({ bundle, stdout: load.stdout.trim(), stderr: load.status === 0 ? '' : load.stderr }).toEqual({
        bundle,
        stdout: 'function',
        stderr: '',
      });
    }
  }, 200_000);
});
