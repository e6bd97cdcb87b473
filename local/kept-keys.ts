/**
 * Keys the local runtime makes for itself: random per run, or, when data persists, kept
 * owner-only in DATA_DIR so that the next run opens what this one wrote.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export function keptKey(dataDir: string | undefined, file: string, make: () => string): string {
  if (!dataDir) return make();
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = make();
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

/** The key that seals webhook signing secrets under `npm start` (KMS does it in AWS). */
export const localSecretKey = (dataDir?: string) => keptKey(dataDir, '.webhook-secret-key', () => randomBytes(32).toString('base64'));

/** The secret that seals listing cursors under `npm start` (the stack's secret in AWS). */
export const localCursorKey = (dataDir?: string) => keptKey(dataDir, '.cursor-key', () => randomBytes(32).toString('base64url'));
