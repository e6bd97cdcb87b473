/**
 * Authentication use cases: sign up, log in, recognise the caller, log out.
 */
import { CsrfFailed, InvalidCredentials, NotAuthenticated, Throttled } from './errors';
import type { PasswordHasher } from './passwords';
import type { AttemptBudget, AttemptLimiter, CredentialStore, UserStore } from './ports';
import { newSecret, sameSecret, seal, sha256, unseal } from './secrets';
import { type PublicUser, parseLogin, publicUser } from './users';

/** Who is calling, and with which credential. */
export interface Principal {
  user: PublicUser;
  via: 'token' | 'session';
  /** The caller's API token in plain text, when it can be known. */
  token: string | undefined;
}

/** What a login hands the client. */
export interface LoginResult {
  user: PublicUser;
  token: string;
  sessionId: string;
  csrfToken: string;
  sessionMaxAgeSeconds: number;
}

/** How long API tokens live and how many a user may hold. */
export interface TokenPolicy {
  /** Lifetime without use; a use in its second half renews it for a whole lifetime. */
  ttlSeconds: number;
  /** Live tokens (and sessions) per user; a login beyond it revokes the oldest. */
  perUser: number;
}

/** How many attempts a caller gets per window. */
export interface AttemptLimits {
  /** Failed logins per (username, source address); beyond it the username's logins slow down. */
  loginsPerUsername: number;
  loginsPerIp: number;
  signUpsPerIp: number;
}

const LOGIN_WINDOW_SECONDS = 15 * 60;

/** Spends the budgets or throws Throttled. */
export async function spend(limiter: AttemptLimiter, budgets: AttemptBudget[], now: Date): Promise<void> {
  const retryAfter = await limiter.spend(budgets, now);
  if (retryAfter !== undefined) throw new Throttled(retryAfter);
}

/**
 * How long a login for a username waits before its password is checked, once the
 * username has failed more often (from anywhere) than one address may fail it: doubling
 * from 250 ms, at most 4 s. It slows an attack spread over many addresses without ever
 * refusing the right password from an address that has not failed.
 */
export function progressiveDelayMs(usernameFailures: number, perAddressLimit: number): number {
  const excess = usernameFailures - perAddressLimit;
  return excess <= 0 ? 0 : Math.min(MAX_LOGIN_DELAY_MS, 250 * 2 ** (excess - 1));
}

const MAX_LOGIN_DELAY_MS = 4_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Logs a user in (OWASP's guidance on brute force: the guard must not lock a user out).
 * 1. Validate the request's shape.
 * 2. Spend an attempt of two budgets for the window, atomically, before any password
 *    work: this (username, source address) pair's and the address's (429 with
 *    Retry-After when one is exhausted). Meanwhile find the user and read how often the
 *    username failed in the window from anywhere.
 * 3. When the username has failed more than one address may, wait (progressive delay):
 *    slower, never refused.
 * 4. Check the password; an unknown user costs the same bcrypt work and gets the same
 *    answer as a wrong password. A failure stays spent and counts against the username.
 * 5. Issue a new API token, session id and CSRF token; store only their hashes, give the
 *    attempts back and revoke the user's oldest tokens and sessions beyond the cap, all
 *    in the same write.
 */
export async function login(
  body: unknown,
  deps: {
    users: UserStore;
    credentials: CredentialStore;
    hasher: PasswordHasher;
    now: Date;
    sessionTtlSeconds: number;
    tokens: TokenPolicy;
    limiter?: AttemptLimiter;
    limits?: AttemptLimits;
    sourceIp?: string;
    /** Waits the progressive delay. @default a timer */
    wait?: (ms: number) => Promise<void>;
  },
): Promise<LoginResult> {
  const input = parseLogin(body);
  const name = input.username.toLowerCase();
  const guard = deps.limiter && deps.limits ? { limiter: deps.limiter, limits: deps.limits } : undefined;
  const budgets: AttemptBudget[] =
    guard && deps.sourceIp
      ? [
          { key: `login-user-ip:${name}|${deps.sourceIp}`, limit: guard.limits.loginsPerUsername, windowSeconds: LOGIN_WINDOW_SECONDS },
          { key: `login-ip:${deps.sourceIp}`, limit: guard.limits.loginsPerIp, windowSeconds: LOGIN_WINDOW_SECONDS },
        ]
      : [];
  const usernameFailures: AttemptBudget = {
    key: `login-user:${name}`,
    limit: Number.MAX_SAFE_INTEGER,
    windowSeconds: LOGIN_WINDOW_SECONDS,
  };
  const [user, , failures] = await Promise.all([
    deps.users.findByUsername(input.username),
    budgets.length > 0 ? spend(guard!.limiter, budgets, deps.now) : undefined,
    guard ? guard.limiter.spent(usernameFailures, deps.now) : 0,
  ]);
  const delay = guard ? progressiveDelayMs(failures, guard.limits.loginsPerUsername) : 0;
  if (delay > 0) await (deps.wait ?? sleep)(delay);
  const matches = await deps.hasher.verify(input.password, user?.passwordHash);
  if (!user || !matches) {
    if (guard) await guard.limiter.record(usernameFailures, deps.now);
    throw new InvalidCredentials();
  }

  const token = newSecret();
  const sessionId = newSecret();
  const csrfToken = newSecret();
  await deps.credentials.save(
    {
      user: publicUser(user),
      tokenHash: sha256(token),
      sessionHash: sha256(sessionId),
      csrfHash: sha256(csrfToken),
      sealedToken: seal(token, sessionId),
      sessionExpiresAt: Math.floor(deps.now.getTime() / 1000) + deps.sessionTtlSeconds,
      tokenExpiresAt: Math.floor(deps.now.getTime() / 1000) + deps.tokens.ttlSeconds,
      created: deps.now.toISOString(),
    },
    { refund: budgets.length > 0 ? { budgets, now: deps.now } : undefined, keepAtMost: deps.tokens.perUser, now: deps.now },
  );
  return { user: publicUser(user), token, sessionId, csrfToken, sessionMaxAgeSeconds: deps.sessionTtlSeconds };
}

/** The credentials a request carries, as the HTTP layer found them. */
export interface PresentedCredentials {
  authorization: string | undefined;
  sessionId: string | undefined;
  csrfHeader: string | undefined;
  /** POST, PUT, PATCH or DELETE: needs the CSRF token when authenticated by session. */
  unsafeMethod: boolean;
}

/**
 * Recognises the caller.
 * 1. An `Authorization: Token <key>` header wins: the key must name a live token (not
 *    revoked, not past its lifetime); a use in the second half of its life renews it.
 * 2. Otherwise a live `sessionid` cookie; unsafe methods must then carry
 *    `X-CSRFToken` equal to the session's CSRF token.
 * 3. Otherwise the caller is not authenticated.
 */
export async function authenticate(
  presented: PresentedCredentials,
  deps: { credentials: CredentialStore; now: Date; tokenTtlSeconds: number },
): Promise<Principal> {
  const token = tokenFromHeader(presented.authorization);
  if (token !== undefined) {
    const hash = sha256(token);
    const found = await deps.credentials.findToken(hash);
    const now = Math.floor(deps.now.getTime() / 1000);
    if (!found || found.expiresAt <= now) throw new NotAuthenticated(NotAuthenticated.invalidToken);
    // Renewed by use, at most once per half lifetime (one write, rarely).
    if (found.expiresAt - now < deps.tokenTtlSeconds / 2)
      await deps.credentials.renewToken(hash, found.user.id, now + deps.tokenTtlSeconds);
    return { user: found.user, via: 'token', token };
  }

  if (presented.sessionId) {
    const session = await deps.credentials.findSession(sha256(presented.sessionId));
    if (session && session.expiresAt > deps.now.getTime() / 1000) {
      if (presented.unsafeMethod) checkCsrf(presented.csrfHeader, session.csrfHash);
      return { user: session.user, via: 'session', token: unseal(session.sealedToken, presented.sessionId) };
    }
  }
  // An Authorization header of another scheme (`Bearer <key>` above all) is a likely slip.
  throw new NotAuthenticated(NotAuthenticated.notProvided, presented.authorization?.trim() ? NotAuthenticated.schemeHint : undefined);
}

/**
 * The key of a `Token` authorization header; undefined when the header is absent or
 * uses another scheme (then other ways to authenticate are tried, as the original did).
 */
function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const parts = header.trim().split(/\s+/);
  if (parts[0]?.toLowerCase() !== 'token') return undefined;
  if (parts.length === 1) throw new NotAuthenticated('Invalid token header. No credentials provided.');
  if (parts.length > 2) throw new NotAuthenticated('Invalid token header. Token string should not contain spaces.');
  return parts[1];
}

function checkCsrf(header: string | undefined, expectedHash: string): void {
  if (!header) throw new CsrfFailed('CSRF token missing.');
  if (!sameSecret(sha256(header), expectedHash)) throw new CsrfFailed('CSRF token incorrect.');
}

/** The login answer's shape for an authenticated caller. */
export function describeLogin(user: PublicUser, token: string | undefined) {
  return { is_authenticated: true as const, user: publicUser(user), auth_token: token ?? null };
}

/**
 * Logs the caller out everywhere: every API token and session of the user is revoked,
 * as the original's single token per user was.
 */
export async function logout(principal: Principal, deps: { credentials: CredentialStore }): Promise<void> {
  await deps.credentials.revokeAll(principal.user.id);
}
