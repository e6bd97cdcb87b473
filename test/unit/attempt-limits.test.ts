import { login } from '../../functions/domain/auth';
import { signUp } from '../../functions/domain/sign-up';
import { InvalidCredentials, Throttled } from '../../functions/domain/errors';
import type { PasswordHasher } from '../../functions/domain/passwords';
import { expectRejection } from './expect-error';
import { MemoryCredentials, MemoryUsers, RecordingLimiter } from './fakes';

const now = new Date('2030-06-01T12:00:00Z');
const hasher: PasswordHasher = {
  hash: async (password) => `hashed:${password}`,
  verify: async (password, hash) => hash === `hashed:${password}`,
};
const limits = { loginsPerUsername: 5, loginsPerIp: 50, signUpsPerIp: 3 };
const tokens = { ttlSeconds: 3600, perUser: 10 };
const signUpBody = { username: 'Ann', email: 'ann@example.com', password: 'long enough pw' };
const loginBody = { username: 'ANN', password: 'long enough pw' };

async function signedUp() {
  const users = new MemoryUsers();
  await signUp(signUpBody, { users, hasher, now });
  return users;
}

describe('the sign-up budget', () => {
  it("spends one of the source IP's sign-ups for the hour", async () => {
    const limiter = new RecordingLimiter();
    await signUp(signUpBody, { users: new MemoryUsers(), hasher, now, limiter, limits, sourceIp: '192.0.2.7' });
    expect(limiter.spends).toEqual([{ budgets: [{ key: 'signup-ip:192.0.2.7', limit: 3, windowSeconds: 3600 }], now }]);
  });

  it("refuses a sign-up once the IP's budget is spent, storing nothing", async () => {
    const users = new MemoryUsers();
    const error = await expectRejection(
      signUp(signUpBody, { users, hasher, now, limiter: new RecordingLimiter(120), limits, sourceIp: '192.0.2.7' }),
      Throttled,
      'Request was throttled. Expected available in 120 seconds.',
    );
    expect([error.retryAfterSeconds, users.users]).toEqual([120, []]);
  });

  it('spends nothing without a source IP', async () => {
    const limiter = new RecordingLimiter();
    await signUp(signUpBody, { users: new MemoryUsers(), hasher, now, limiter, limits });
    expect(limiter.spends).toEqual([]);
  });
});

describe('the login budgets', () => {
  it("spend an attempt of the (lower-cased username, IP) pair's and of the IP's budgets for 15 minutes", async () => {
    const limiter = new RecordingLimiter();
    await login(loginBody, {
      users: await signedUp(),
      credentials: new MemoryCredentials(),
      hasher,
      now,
      sessionTtlSeconds: 60,
      tokens,
      limiter,
      limits,
      sourceIp: '192.0.2.7',
    });
    expect(limiter.spends).toEqual([
      {
        budgets: [
          { key: 'login-user-ip:ann|192.0.2.7', limit: 5, windowSeconds: 900 },
          { key: 'login-ip:192.0.2.7', limit: 50, windowSeconds: 900 },
        ],
        now,
      },
    ]);
  });

  it('spend nothing without a source IP', async () => {
    const limiter = new RecordingLimiter();
    await login(loginBody, {
      users: await signedUp(),
      credentials: new MemoryCredentials(),
      hasher,
      now,
      sessionTtlSeconds: 60,
      tokens,
      limiter,
      limits,
    });
    expect(limiter.spends).toEqual([]);
  });

  it('count a failure against the username from anywhere, and a success not', async () => {
    const limiter = new RecordingLimiter();
    const users = await signedUp();
    await expectRejection(
      login(
        { ...loginBody, password: 'not the password' },
        { users, credentials: new MemoryCredentials(), hasher, now, sessionTtlSeconds: 60, tokens, limiter, limits, sourceIp: '192.0.2.7' },
      ),
      InvalidCredentials,
      'Credentials were not correct',
    );
    await login(loginBody, {
      users,
      credentials: new MemoryCredentials(),
      hasher,
      now,
      sessionTtlSeconds: 60,
      tokens,
      limiter,
      limits,
      sourceIp: '192.0.2.7',
    });
    expect(limiter.recorded).toEqual([{ budget: { key: 'login-user:ann', limit: Number.MAX_SAFE_INTEGER, windowSeconds: 900 }, now }]);
  });

  it('wait the progressive delay once the username failed more often than one address may, then check the password', async () => {
    const waits: number[] = [];
    const result = await login(loginBody, {
      users: await signedUp(),
      credentials: new MemoryCredentials(),
      hasher,
      now,
      sessionTtlSeconds: 60,
      tokens,
      limiter: new RecordingLimiter(undefined, 7),
      limits,
      sourceIp: '192.0.2.7',
      wait: async (ms) => void waits.push(ms),
    });
    expect(result.user.username).toBe('Ann');
    expect(waits).toEqual([500]);
  });

  it('wait nothing while the username failed no more often than one address may', async () => {
    const waits: number[] = [];
    const deps = {
      credentials: new MemoryCredentials(),
      hasher,
      now,
      sessionTtlSeconds: 60,
      tokens,
      limits,
      sourceIp: '192.0.2.7',
      wait: async (ms: number) => void waits.push(ms),
    };
    await login(loginBody, { ...deps, users: await signedUp(), limiter: new RecordingLimiter(undefined, 5) });
    expect(waits).toEqual([]);
  });

  it("give the attempts back in the successful login's write", async () => {
    const limiter = new RecordingLimiter();
    const credentials = new MemoryCredentials();
    await login(loginBody, {
      users: await signedUp(),
      credentials,
      hasher,
      now,
      sessionTtlSeconds: 60,
      tokens,
      limiter,
      limits,
      sourceIp: '192.0.2.7',
    });
    expect(credentials.refunds).toEqual([{ budgets: limiter.spends[0]?.budgets, now }]);
    expect(credentials.refunds[0]?.budgets).toHaveLength(2);
  });

  it('refuse a login once a budget is spent, before checking the password', async () => {
    const credentials = new MemoryCredentials();
    const error = await expectRejection(
      login(loginBody, {
        users: await signedUp(),
        credentials,
        hasher,
        now,
        sessionTtlSeconds: 60,
        tokens,
        limiter: new RecordingLimiter(300),
        limits,
        sourceIp: '192.0.2.7',
      }),
      Throttled,
      'Request was throttled. Expected available in 300 seconds.',
    );
    expect([error.retryAfterSeconds, credentials.grants]).toEqual([300, []]);
  });

  it('are neither spent nor refunded without a limiter', async () => {
    const credentials = new MemoryCredentials();
    await login(loginBody, {
      users: await signedUp(),
      credentials,
      hasher,
      now,
      sessionTtlSeconds: 60,
      tokens: { ttlSeconds: 3600, perUser: 10 },
    });
    expect(credentials.refunds).toEqual([undefined]);
  });
});
