/**
 * Builds the web calendar (web/src) into web/dist with the project's esbuild: one
 * minified script, one stylesheet and the icon, the files `functions/web-app/files.ts`
 * lists. Run by `npm run build:web`, before `npm start` and `npm test`, by the tests'
 * global setup and by CDK's bundling of the two functions that serve them.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The app must stay light: its script and stylesheet together, gzipped. */
export const GZIP_BUDGET_BYTES = 100 * 1024;

export interface WebBundle {
  /** Bytes of each file written, raw and gzipped. */
  sizes: Record<string, { raw: number; gzipped: number }>;
}

export async function buildWeb(root: string): Promise<WebBundle> {
  const source = join(root, 'web', 'src');
  const out = join(root, 'web', 'dist');
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: { app: join(source, 'main.tsx') },
    outdir: out,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(source, 'icon.svg'), join(out, 'icon.svg'));
  const sizes: WebBundle['sizes'] = {};
  for (const name of ['app.js', 'app.css', 'icon.svg']) {
    const content = readFileSync(join(out, name));
    sizes[name] = { raw: content.length, gzipped: gzipSync(content, { level: 9 }).length };
  }
  const total = Object.values(sizes).reduce((sum, size) => sum + size.gzipped, 0);
  if (total > GZIP_BUDGET_BYTES) throw new Error(`the web calendar weighs ${total} bytes gzipped, over its budget of ${GZIP_BUDGET_BYTES}`);
  return { sizes };
}
