/** Claims an email, case-insensitively, and resolves emails to users: `EMAIL#<lower>` / `GUARD`. */
import type { PublicUser } from '../../domain/users';
import type { Key } from './item';

export const emailGuardKey = (email: string): Key => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'GUARD' });

export const toEmailGuardItem = (user: PublicUser) => ({
  ...emailGuardKey(user.email),
  type: 'emailGuard' as const,
  id: user.id,
  username: user.username,
  email: user.email,
});
