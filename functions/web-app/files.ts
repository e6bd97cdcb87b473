/**
 * The web calendar's files (the page at `/` and its assets under `/app/`): built from
 * `web/src` by `npm run build:web` into `web/dist`, copied beside the bundles of the two
 * functions that serve them, and read from there at run time.
 */
import { createHash } from 'node:crypto';
import type { BundledFiles } from '../api-docs/files';

export const APP_PATH = '/app/';

export interface WebFile {
  /** `Content-Type` of the answer. */
  type: string;
  /** Compressible text. */
  text: boolean;
}

/** Every file of the app, by name: nothing else is served. */
export const webFiles: Readonly<Record<string, WebFile>> = {
  'app.js': { type: 'text/javascript; charset=utf-8', text: true },
  'app.css': { type: 'text/css; charset=utf-8', text: true },
  'icon.svg': { type: 'image/svg+xml', text: true },
};

export const webAppFiles: BundledFiles = {
  folder: 'web/dist',
  names: Object.keys(webFiles),
  into: 'web',
  setting: 'WEB_FILES_DIR',
  build: 'npm run build:web',
};

/** The version a file is asked for with: a hash of its content, so a new build is a new URL. */
export const contentVersion = (content: Buffer) => createHash('sha256').update(content).digest('base64url').slice(0, 12);
