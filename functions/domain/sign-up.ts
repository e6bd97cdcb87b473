/**
 * Sign-up, apart from the rest of authentication: it alone needs the username skeleton's
 * tables (see `username-skeleton.ts`).
 */
import { ulid } from 'ulid';
import { type AttemptLimits, spend } from './auth';
import type { PasswordHasher } from './passwords';
import type { AttemptLimiter, UserStore } from './ports';
import { type PublicUser, parseSignUp, publicUser } from './users';
import { usernameSkeleton } from './username-skeleton';

const SIGN_UP_WINDOW_SECONDS = 60 * 60;

/**
 * Signs a user up.
 * 1. Validate username, email and password (policy included).
 * 2. Spend one of the source IP's sign-ups for the hour (429 when none is left).
 * 3. Hash the password with bcrypt.
 * 4. Store the user; the store claims username and email atomically.
 */
export async function signUp(
  body: unknown,
  deps: { users: UserStore; hasher: PasswordHasher; now: Date; limiter?: AttemptLimiter; limits?: AttemptLimits; sourceIp?: string },
): Promise<PublicUser> {
  const input = parseSignUp(body);
  if (deps.limiter && deps.limits && deps.sourceIp) {
    await spend(
      deps.limiter,
      [{ key: `signup-ip:${deps.sourceIp}`, limit: deps.limits.signUpsPerIp, windowSeconds: SIGN_UP_WINDOW_SECONDS }],
      deps.now,
    );
  }
  const user = {
    id: ulid(deps.now.getTime()),
    username: input.username,
    email: input.email,
    passwordHash: await deps.hasher.hash(input.password),
    created: deps.now.toISOString(),
  };
  await deps.users.create(user, usernameSkeleton(user.username));
  return publicUser(user);
}
