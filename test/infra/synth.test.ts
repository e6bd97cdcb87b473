import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docsPageFiles } from '../../functions/api-docs/files';
import { webAppFiles } from '../../functions/web-app/files';
import { routes } from '../../functions/routes';

// The real `cdk synth`, bundling every function with the local esbuild, with no network:
// notices, telemetry and version checks are off in cdk.json and the environment.
describe('cdk synth', () => {
  const out = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes offline with one bundled function per route entry, the fallback, the event publisher, the meeting counter and the webhook worker', () => {
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
    expect(functions).toHaveLength(routes.length + 4);

    const bundles = readdirSync(out).filter((name) => name.startsWith('asset.') && statSync(join(out, name)).isDirectory());
    expect(bundles.length).toBe(routes.length + 4);
    for (const bundle of bundles) expect(readdirSync(join(out, bundle))).toContain('index.mjs');

    // Text is written as UTF-8: an escaped character (\uXXXX) costs six bytes, and sign-up's
    // table of look-alike characters alone would add some 45 KB of them.
    for (const bundle of bundles) {
      const code = readFileSync(join(out, bundle, 'index.mjs'), 'utf8');
      const escapes = (code.match(/\\u(?:[0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})/g) ?? []).filter(
        (escape) => Number.parseInt(escape.replace(/[\\u{}]/g, ''), 16) > 0x7f,
      );
      expect({ bundle, escapes: escapes.length < 100 }).toEqual({ bundle, escapes: true });
    }

    // Every function's code is at most 250 KB: what Lambda loads on each cold start.
    for (const bundle of bundles) {
      const size = statSync(join(out, bundle, 'index.mjs')).size;
      expect({ bundle, size, within: size <= 250_000 }).toEqual({ bundle, size, within: true });
    }

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

    // The docs page's files travel beside its function's bundle (not inside it), and the
    // bundle serves them from there, as Lambda runs it: from the bundle's folder.
    const [, docsFunction] = Object.entries(
      template.Resources as Record<
        string,
        { Type: string; Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, string> } } }
      >,
    ).find(([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.startsWith('ApiDocsAssetFunction'))!;
    const docsBundle = join(out, `asset.${docsFunction.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const filesDir = docsFunction.Properties.Environment.Variables.DOCS_FILES_DIR!;
    expect(readdirSync(join(docsBundle, filesDir)).sort()).toEqual([...docsPageFiles.names].sort());
    expect(statSync(join(docsBundle, 'index.mjs')).size).toBeLessThan(250_000);

    // Likewise the web calendar's files, built from its sources by the bundling itself.
    for (const name of ['WebAppFunction', 'WebAppAssetFunction']) {
      const [, web] = Object.entries(template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string } } }>).find(
        ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.startsWith(name),
      )!;
      const bundle = join(out, `asset.${web.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(readdirSync(join(bundle, webAppFiles.into)).sort()).toEqual([...webAppFiles.names].sort());
    }
    const event = {
      version: '2.0',
      rawPath: '/api/docs/swagger-ui.css',
      rawQueryString: '',
      headers: {},
      pathParameters: { asset: 'swagger-ui.css' },
      requestContext: {
        domainName: 'example.com',
        requestId: 'r',
        http: { method: 'GET', path: '/api/docs/swagger-ui.css', sourceIp: '203.0.113.1' },
      },
      isBase64Encoded: false,
    };
    const served = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { handler } = await import('./index.mjs');
         const answer = await handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 10000, functionName: 'docs', awsRequestId: 'r' });
         console.log(answer.statusCode, answer.headers['content-type'], Buffer.from(answer.body, 'base64').length);`,
      ],
      { cwd: docsBundle, encoding: 'utf8', env: { ...process.env, DOCS_FILES_DIR: filesDir, AWS_REGION: 'us-east-1' }, timeout: 30_000 },
    );
    const cssSize = statSync(join(process.cwd(), 'node_modules', 'swagger-ui-dist', 'swagger-ui.css')).size;
    expect({ stdout: served.stdout.trim(), stderr: served.status === 0 ? '' : served.stderr }).toEqual({
      stdout: `200 text/css; charset=utf-8 ${cssSize}`,
      stderr: '',
    });
  }, 200_000);
});
