import fc from 'fast-check';
import { authenticate, describeLogin, login, logout, progressiveDelayMs } from '../../functions/domain/auth';
import { signUp } from '../../functions/domain/sign-up';
import { CsrfFailed, InvalidCredentials, NotAuthenticated } from '../../functions/domain/errors';
import type { PasswordHasher } from '../../functions/domain/passwords';
import { bcryptHasher } from '../../functions/domain/passwords';
import { newSecret, sameSecret, seal, sha256, unseal } from '../../functions/domain/secrets';
import { expectRejection } from './expect-error';
import { MemoryCredentials, MemoryUsers } from './fakes';

const tokens = { ttlSeconds: 3600, perUser: 10 };

const now = new Date('2030-06-01T12:00:00Z');
const plainHasher: PasswordHasher & { verified: (string | undefined)[] } = {
  verified: [],
  hash: async (password) => `hashed:${password}`,
  async verify(password, hash) {
    this.verified.push(hash);
    return hash === `hashed:${password}`;
  },
};

async function loggedIn() {
  const users = new MemoryUsers();
  const credentials = new MemoryCredentials();
  await signUp({ username: 'ann', email: 'Ann@Example.com', password: 'long enough pw' }, { users, hasher: plainHasher, now });
  const result = await login(
    { username: 'ann', password: 'long enough pw' },
    { users, credentials, hasher: plainHasher, now, sessionTtlSeconds: 60, tokens },
  );
  return { users, credentials, result };
}

const presented = (overrides: Partial<Parameters<typeof authenticate>[0]>) => ({
  authorization: undefined,
  sessionId: undefined,
  csrfHeader: undefined,
  unsafeMethod: false,
  ...overrides,
});

describe('secrets', () => {
  it('makes 64-hex-character secrets that differ each time', () => {
    const [a, b] = [newSecret(), newSecret()];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it('hashes with SHA-256', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares secrets exactly', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });

  it('unseals what it sealed, only with the same session id', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (plain, sessionId, other) => {
        const sealed = seal(plain, sessionId);
        expect(unseal(sealed, sessionId)).toBe(plain);
        if (other !== sessionId) expect(unseal(sealed, other)).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a tampered seal', () => {
    const sealed = seal('token', 'session');
    const [iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(unseal([iv, tag, flipped.toString('base64url')].join('.'), 'session')).toBeUndefined();
    expect(unseal('garbage', 'session')).toBeUndefined();
  });
});

describe('login', () => {
  it('saves only hashes of what it hands out', async () => {
    const { credentials, result } = await loggedIn();
    const [grant] = credentials.grants;
    expect(grant).toMatchObject({
      tokenHash: sha256(result.token),
      sessionHash: sha256(result.sessionId),
      csrfHash: sha256(result.csrfToken),
    });
    const stored = JSON.stringify(grant);
    for (const secret of [result.token, result.sessionId, result.csrfToken]) expect(stored).not.toContain(secret);
  });

  it('spends the password check on an unknown user too, then refuses', async () => {
    const users = new MemoryUsers();
    plainHasher.verified.length = 0;
    await expectRejection(
      login(
        { username: 'nobody', password: 'whatever-123' },
        { users, credentials: new MemoryCredentials(), hasher: plainHasher, now, sessionTtlSeconds: 60, tokens },
      ),
      InvalidCredentials,
      'Credentials were not correct',
    );
    expect(plainHasher.verified).toEqual([undefined]);
  });

  it('refuses a wrong password', async () => {
    const { users } = await loggedIn();
    await expectRejection(
      login(
        { username: 'ann', password: 'wrong password' },
        { users, credentials: new MemoryCredentials(), hasher: plainHasher, now, sessionTtlSeconds: 60, tokens },
      ),
      InvalidCredentials,
      'Credentials were not correct',
    );
  });
});

describe('authenticate', () => {
  it('accepts a live token', async () => {
    const { credentials, result } = await loggedIn();
    const principal = await authenticate(presented({ authorization: `Token ${result.token}` }), {
      credentials,
      now,
      tokenTtlSeconds: tokens.ttlSeconds,
    });
    expect(principal).toEqual({ user: result.user, via: 'token', token: result.token });
  });

  it('prefers the token header to the session cookie', async () => {
    const { credentials, result } = await loggedIn();
    await expectRejection(
      authenticate(presented({ authorization: 'Token nope', sessionId: result.sessionId }), {
        credentials,
        now,
        tokenTtlSeconds: tokens.ttlSeconds,
      }),
      NotAuthenticated,
      'Invalid token.',
    );
  });

  it.each([
    ['Token', 'Invalid token header. No credentials provided.'],
    ['Token a b', 'Invalid token header. Token string should not contain spaces.'],
  ])('refuses the header %j', async (authorization, message) => {
    await expectRejection(
      authenticate(presented({ authorization }), { credentials: new MemoryCredentials(), now, tokenTtlSeconds: tokens.ttlSeconds }),
      NotAuthenticated,
      message,
    );
  });

  it('accepts a token header with padding and several spaces, in any case', async () => {
    const { credentials, result } = await loggedIn();
    const principal = await authenticate(presented({ authorization: ` token   ${result.token} ` }), {
      credentials,
      now,
      tokenTtlSeconds: tokens.ttlSeconds,
    });
    expect(principal).toEqual({ user: result.user, via: 'token', token: result.token });
  });

  it('falls through other schemes to the session', async () => {
    const { credentials, result } = await loggedIn();
    const principal = await authenticate(presented({ authorization: 'Bearer x', sessionId: result.sessionId }), {
      credentials,
      now,
      tokenTtlSeconds: tokens.ttlSeconds,
    });
    expect(principal).toEqual({ user: result.user, via: 'session', token: result.token });
  });

  it('asks no CSRF token of safe methods', async () => {
    const { credentials, result } = await loggedIn();
    await expect(
      authenticate(presented({ sessionId: result.sessionId }), { credentials, now, tokenTtlSeconds: tokens.ttlSeconds }),
    ).resolves.toMatchObject({ via: 'session' });
  });

  it('refuses an unsafe method by session without a CSRF token', async () => {
    const { credentials, result } = await loggedIn();
    const attempt = authenticate(presented({ sessionId: result.sessionId, unsafeMethod: true }), {
      credentials,
      now,
      tokenTtlSeconds: tokens.ttlSeconds,
    });
    await expectRejection(attempt, CsrfFailed, 'CSRF Failed: CSRF token missing.');
  });

  it('refuses an unsafe method by session with a wrong CSRF token', async () => {
    const { credentials, result } = await loggedIn();
    const attempt = authenticate(presented({ sessionId: result.sessionId, unsafeMethod: true, csrfHeader: 'wrong' }), {
      credentials,
      now,
      tokenTtlSeconds: tokens.ttlSeconds,
    });
    await expectRejection(attempt, CsrfFailed, 'CSRF Failed: CSRF token incorrect.');
  });

  it('accepts an unsafe method by session with the matching CSRF token', async () => {
    const { credentials, result } = await loggedIn();
    const principal = await authenticate(presented({ sessionId: result.sessionId, unsafeMethod: true, csrfHeader: result.csrfToken }), {
      credentials,
      now,
      tokenTtlSeconds: tokens.ttlSeconds,
    });
    expect(principal).toEqual({ user: result.user, via: 'session', token: result.token });
  });

  it('ignores a session from the second it expires', async () => {
    const { credentials, result } = await loggedIn();
    const expiry = new Date(now.getTime() + 60_000);
    await expectRejection(
      authenticate(presented({ sessionId: result.sessionId }), { credentials, now: expiry, tokenTtlSeconds: tokens.ttlSeconds }),
      NotAuthenticated,
      'Authentication credentials were not provided.',
    );
  });

  it('accepts a session until its last second', async () => {
    const { credentials, result } = await loggedIn();
    const lastMoment = new Date(now.getTime() + 59_999);
    await expect(
      authenticate(presented({ sessionId: result.sessionId }), { credentials, now: lastMoment, tokenTtlSeconds: tokens.ttlSeconds }),
    ).resolves.toMatchObject({ via: 'session' });
  });

  it('ignores an expired session', async () => {
    const { credentials, result } = await loggedIn();
    const later = new Date(now.getTime() + 61_000);
    await expectRejection(
      authenticate(presented({ sessionId: result.sessionId }), { credentials, now: later, tokenTtlSeconds: tokens.ttlSeconds }),
      NotAuthenticated,
      'Authentication credentials were not provided.',
    );
  });
});

describe('the login answer', () => {
  it('shows the user and the API token', () => {
    const user = { id: 'id-ann', username: 'ann', email: 'ann@example.com', passwordHash: 'secret' };
    expect(describeLogin(user, 'tok')).toEqual({
      is_authenticated: true,
      user: { id: 'id-ann', username: 'ann', email: 'ann@example.com' },
      auth_token: 'tok',
    });
  });

  it('shows a null token when it cannot be known', () => {
    expect(describeLogin({ id: 'id-ann', username: 'ann', email: 'ann@example.com' }, undefined).auth_token).toBeNull();
  });
});

describe('logout', () => {
  it('revokes every token and session of the user', async () => {
    const { credentials, result } = await loggedIn();
    const principal = await authenticate(presented({ authorization: `Token ${result.token}` }), {
      credentials,
      now,
      tokenTtlSeconds: tokens.ttlSeconds,
    });
    await logout(principal, { credentials });
    expect([credentials.tokens.size, credentials.sessions.size]).toEqual([0, 0]);
  });
});

describe('bcrypt hasher', () => {
  it('verifies the right password only, and nothing without a hash', async () => {
    const hasher = bcryptHasher(4);
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('wrong horse', hash)).toBe(false);
    expect(await hasher.verify('correct horse', undefined)).toBe(false);
  });
});

describe('the progressive login delay', () => {
  it('is nothing until the username failed more often than one address may', () => {
    expect([0, 5, 10].map((failures) => progressiveDelayMs(failures, 10))).toEqual([0, 0, 0]);
  });

  it('doubles from 250 ms with every further failure, up to 4 s', () => {
    expect([11, 12, 13, 14, 15, 16, 40, 10_000].map((failures) => progressiveDelayMs(failures, 10))).toEqual([
      250, 500, 1000, 2000, 4000, 4000, 4000, 4000,
    ]);
  });
});
