import type { AttemptBudget } from '../../functions/domain/ports';
import type { AttemptLimiter } from '../../functions/domain/ports';
import { progressiveDelayMs } from '../../functions/domain/auth';
import { services } from '../../functions/services';
import { call, uniqueUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { useSettings } from '../support/settings';

useSettings({ LOGIN_ATTEMPTS_PER_USERNAME: '3', LOGIN_ATTEMPTS_PER_IP: '5', SIGNUPS_PER_IP: '2' });

// The budgets' windows are fixed and aligned to the epoch: 15 minutes for logins, an hour
// for sign-ups. Each test pins the service clock one second into an hour, so its windows
// are fresh, none ends mid-test, and Retry-After is exact.
const oneSecondIn = '2030-06-15T10:00:01.000Z';
beforeEach(() => pinClock(oneSecondIn));
afterEach(unpinClock);

// 6 failures against a limit of 3: the slow-down the domain computes (its unit tests pin the curve).
const LOGIN_DELAY_FLOOR_MS = progressiveDelayMs(6, 3);

let addresses = 0;
/** An address no other test uses, so each test starts with full budgets. */
const freshIp = () => `10.${process.pid % 250}.${Math.floor(++addresses / 250)}.${addresses % 250}`;

async function member(ip: string) {
  const candidate = uniqueUser('guarded');
  expect((await call('POST', '/api/user/sign_up/', { body: candidate, sourceIp: freshIp() })).status).toBe(201);
  const login = (password: string, sourceIp = ip) =>
    call('POST', '/api/user/login/', { body: { username: candidate.username, password }, sourceIp });
  return { candidate, login };
}

describe('the guard cannot be turned against a user', () => {
  it('refuses only the failing address: the victim logs in from another one', async () => {
    const attacker = freshIp();
    const { candidate, login } = await member(attacker);
    // Failures for the victim in any letter case, all from one address.
    for (const name of [candidate.username, candidate.username.toUpperCase(), candidate.username]) {
      expect(
        (await call('POST', '/api/user/login/', { body: { username: name, password: 'wrong-password-1' }, sourceIp: attacker })).status,
      ).toBe(401);
    }
    expect((await login(candidate.password, attacker)).status).toBe(429);
    expect((await login(candidate.password, freshIp())).status).toBe(200);
  });

  it('slows a username attacked from many addresses, never refusing its right password', async () => {
    const { candidate, login } = await member(freshIp());
    // 2 addresses x 3 failures: both addresses are spent, the username is past its limit.
    for (let address = 0; address < 2; address++) {
      const ip = freshIp();
      for (let i = 0; i < 3; i++) expect((await login('wrong-password-1', ip)).status).toBe(401);
      expect((await login('wrong-password-1', ip)).status).toBe(429);
    }
    const started = performance.now();
    expect((await login(candidate.password, freshIp())).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(LOGIN_DELAY_FLOOR_MS);
  }, 20_000);
});

describe('the brute-force guard', () => {
  it("refuses an address's logins to a username with 429 and Retry-After after 3 failures, even with the right password", async () => {
    const { candidate, login } = await member(freshIp());
    for (let i = 0; i < 3; i++) expect((await login('wrong-password-1')).status).toBe(401);
    const blocked = await login(candidate.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ detail: 'Request was throttled. Expected available in 899 seconds.' });
    expect(blocked.headers['retry-after']).toBe('899');
  });

  it('gives a fresh budget when the window ends, not a millisecond before', async () => {
    const { candidate, login } = await member(freshIp());
    setClock('2030-06-15T10:14:59.000Z');
    for (let i = 0; i < 3; i++) expect((await login('wrong-password-1')).status).toBe(401);
    const lastSecond = await login(candidate.password);
    expect({ status: lastSecond.status, retryAfter: lastSecond.headers['retry-after'] }).toEqual({ status: 429, retryAfter: '1' });
    setClock('2030-06-15T10:14:59.999Z');
    expect((await login(candidate.password)).status).toBe(429);
    setClock('2030-06-15T10:15:00.000Z');
    expect((await login(candidate.password)).status).toBe(200);
  });

  it('gives a successful login its attempt back', async () => {
    const { candidate, login } = await member(freshIp());
    expect((await login('wrong-password-1')).status).toBe(401);
    expect((await login('wrong-password-2')).status).toBe(401);
    expect((await login(candidate.password)).status).toBe(200);
    expect((await login('wrong-password-3')).status).toBe(401);
    expect((await login(candidate.password)).status).toBe(429);
  });

  it('counts an unknown username like a known one', async () => {
    const ip = freshIp();
    const nobody = `nobody-${Date.now()}`;
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await call('POST', '/api/user/login/', { body: { username: nobody, password: 'whatever-123' }, sourceIp: ip })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('never lets concurrent attempts spend more than the limit', async () => {
    const { login } = await member(freshIp());
    const statuses = (await Promise.all(Array.from({ length: 10 }, (_, i) => login(`wrong-password-${i}`)))).map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });

  it('refuses an address after 5 failed logins across usernames, and only that address', async () => {
    const ip = freshIp();
    const people = await Promise.all(Array.from({ length: 3 }, () => member(ip)));
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await people[i % 3]!.login('wrong-password')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await people[0]!.login(people[0]!.candidate.password, freshIp())).status).toBe(200);
  });

  it('allows an address 2 sign-ups an hour', async () => {
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 2; i++)
      statuses.push((await call('POST', '/api/user/sign_up/', { body: uniqueUser('many'), sourceIp: ip })).status);
    const third = await call('POST', '/api/user/sign_up/', { body: uniqueUser('many'), sourceIp: ip });
    expect([...statuses, third.status]).toEqual([201, 201, 429]);
    expect(third.headers['retry-after']).toBe('3599');
    expect((await call('POST', '/api/user/sign_up/', { body: uniqueUser('elsewhere'), sourceIp: freshIp() })).status).toBe(201);
    setClock('2030-06-15T11:00:00.000Z');
    expect((await call('POST', '/api/user/sign_up/', { body: uniqueUser('nexthour'), sourceIp: ip })).status).toBe(201);
  });
});

describe('the attempt limiter on DynamoDB, at explicit instants', () => {
  // Built once the limits above are set: the client reads (and keeps) the configuration.
  let limiter: AttemptLimiter;
  beforeAll(() => {
    limiter = services().limiter;
  });
  let budgets = 0;
  const budget = (limit: number, windowSeconds: number): AttemptBudget => ({
    key: `limiter-test:${process.pid}:${++budgets}`,
    limit,
    windowSeconds,
  });
  const at = (time: string) => new Date(`2030-06-15T${time}Z`);

  it('spends up to the limit within a window, then answers the seconds until the window ends', async () => {
    const logins = budget(2, 900);
    expect(await limiter.spend([logins], at('10:00:00.000'))).toBeUndefined();
    expect(await limiter.spend([logins], at('10:07:30.000'))).toBeUndefined();
    expect(await limiter.spend([logins], at('10:07:30.000'))).toBe(450);
    // 1.5 s left: a client told to come back sooner would be refused again
    expect(await limiter.spend([logins], at('10:14:58.500'))).toBe(2);
    // under a second left still says one
    expect(await limiter.spend([logins], at('10:14:59.999'))).toBe(1);
  });

  it('starts each window afresh at its epoch-aligned start', async () => {
    const logins = budget(1, 900);
    expect(await limiter.spend([logins], at('10:14:59.999'))).toBeUndefined();
    expect(await limiter.spend([logins], at('10:14:59.999'))).toBe(1);
    expect(await limiter.spend([logins], at('10:15:00.000'))).toBeUndefined();
    expect(await limiter.spend([logins], at('10:29:59.999'))).toBe(1);
    expect(await limiter.spend([logins], at('10:30:00.000'))).toBeUndefined();
  });

  it('spends several budgets all or none, and answers the longest wait among the exhausted', async () => {
    const user = budget(1, 900);
    const ip = budget(3, 3600);
    expect(await limiter.spend([user, ip], at('10:05:00.000'))).toBeUndefined();
    // the user's budget is spent: the refusal must not spend the address's
    expect(await limiter.spend([user, ip], at('10:05:00.000'))).toBe(600);
    expect(await limiter.spend([ip], at('10:05:00.000'))).toBeUndefined();
    expect(await limiter.spend([ip], at('10:05:00.000'))).toBeUndefined();
    expect(await limiter.spend([ip], at('10:05:00.000'))).toBe(3300);
    expect(await limiter.spend([user, ip], at('10:05:00.000'))).toBe(3300);
    expect(await limiter.spend([user, ip], at('10:15:00.000'))).toBe(2700);
  });

  it('never spends more than the limit under concurrent attempts', async () => {
    const logins = budget(4, 900);
    const answers = await Promise.all(Array.from({ length: 12 }, () => limiter.spend([logins], at('10:00:00.000'))));
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(4);
    expect(answers.filter((answer) => answer === 900)).toHaveLength(8);
  });
});
