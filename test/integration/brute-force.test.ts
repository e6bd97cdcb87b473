import { call, uniqueUser } from '../support/api';

// Handlers read their limits when first loaded; each test file has its own modules.
const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, { LOGIN_ATTEMPTS_PER_USERNAME: '3', LOGIN_ATTEMPTS_PER_IP: '5', SIGNUPS_PER_IP: '2' });
});
afterAll(() => {
  for (const name of ['LOGIN_ATTEMPTS_PER_USERNAME', 'LOGIN_ATTEMPTS_PER_IP', 'SIGNUPS_PER_IP']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

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

describe('the brute-force guard', () => {
  it('refuses a username\'s logins with 429 and Retry-After after 3 failures, even with the right password', async () => {
    const { candidate, login } = await member(freshIp());
    for (let i = 0; i < 3; i++) expect((await login('wrong-password-1')).status).toBe(401);
    const blocked = await login(candidate.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds\.$/);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
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
      statuses.push((await call('POST', '/api/user/login/', { body: { username: nobody, password: 'whatever-123' }, sourceIp: ip })).status);
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
    for (let i = 0; i < 3; i++) statuses.push((await call('POST', '/api/user/sign_up/', { body: uniqueUser('many'), sourceIp: ip })).status);
    expect(statuses).toEqual([201, 201, 429]);
    expect((await call('POST', '/api/user/sign_up/', { body: uniqueUser('elsewhere'), sourceIp: freshIp() })).status).toBe(201);
  });
});
