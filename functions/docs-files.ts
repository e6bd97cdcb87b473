/**
 * Part of the composition root: where the docs page's package files are (`DOCS_FILES_DIR`,
 * read once), as a reader of them by name. Only names from the page's own list are ever
 * asked for, so no path from a request reaches the file system.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readSetting } from './config';

export function docsFileReader(): (name: string) => Promise<Buffer> {
  const folder = resolve(readSetting('docsFilesDir', process.env));
  return (name) => readFile(join(folder, name));
}
