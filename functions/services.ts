/**
 * Everything a handler needs, built once per container: configuration, stores and the
 * password hasher.
 */
import { config, type Config } from './config';
import { bcryptHasher, type PasswordHasher } from './domain/passwords';
import type { Stores } from './domain/ports';
import { stores } from './store';

export interface Services extends Stores {
  config: Config;
  hasher: PasswordHasher;
}

let cached: Services | undefined;

export function services(): Services {
  cached ??= { ...stores(), config: config(), hasher: bcryptHasher(config().bcryptRounds) };
  return cached;
}
