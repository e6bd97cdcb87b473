/**
 * What a handler needs, built once per container: configuration and stores. (The
 * password hasher lives in `password-hasher.ts`, so that only the routes that hash pay
 * for loading bcrypt.)
 */
import { config, type Config } from './config';
import type { Stores } from './domain/ports';
import { stores } from './store';

export interface Services extends Stores {
  config: Config;
}

let cached: Services | undefined;

export function services(): Services {
  cached ??= { ...stores(), config: config() };
  return cached;
}
