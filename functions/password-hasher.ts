import { config } from './config';
import { bcryptHasher, type PasswordHasher } from './domain/passwords';

let cached: PasswordHasher | undefined;

/**
 * The container's bcrypt hasher, at the configured cost (composition root; kept apart so
 * that only the routes that hash load bcrypt).
 */
export function passwordHasher(): PasswordHasher {
  cached ??= bcryptHasher(config().bcryptRounds);
  return cached;
}
