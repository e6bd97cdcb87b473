/**
 * Part of the composition root: where the web calendar's built files are
 * (`WEB_FILES_DIR`, read once), as a reader of them by name, and the service's time zone
 * the page tells its script. Only names from the app's own list are ever asked for, so
 * no path from a request reaches the file system.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readSetting } from './config';

export function webFileReader(): (name: string) => Promise<Buffer> {
  const folder = resolve(readSetting('webFilesDir', process.env));
  return (name) => readFile(join(folder, name));
}

export const serviceTimeZone = (): string => readSetting('timeZone', process.env);
