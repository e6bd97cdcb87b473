import { login } from '../../functions/domain/auth';
import { signUp } from '../../functions/domain/sign-up';
import type { PasswordHasher } from '../../functions/domain/passwords';
import { authenticatedRoute } from '../../functions/http/route-handler';
import { json } from '../../functions/http/responses';
import { fromHandlerResult, localContext, toApiGatewayEvent } from '../../local/api-gateway';
import { MemoryCredentials, MemoryUsers } from './fakes';

// The route is handed its credential store; here it is in memory.
const credentials = new MemoryCredentials();

const hasher: PasswordHasher = {
  hash: async (password) => `hashed:${password}`,
  verify: async (password, hash) => hash === `hashed:${password}`,
};

async function token() {
  const users = new MemoryUsers();
  await signUp({ username: 'ann', email: 'ann@example.com', password: 'long enough pw' }, { users, hasher, now: new Date() });
  return login(
    { username: 'ann', password: 'long enough pw' },
    { users, credentials, hasher, now: new Date(), sessionTtlSeconds: 600, tokens: { ttlSeconds: 3600, perUser: 10 } },
  );
}

const route = authenticatedRoute({ credentials, tokenTtlSeconds: 3600 }, { body: true }, async ({ principal, body }) =>
  json(200, { user: principal.user.username, body }),
);

async function call(headers: Record<string, string>, body: string) {
  const event = toApiGatewayEvent(
    { method: 'POST', url: '/api/x/', headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(body) },
    { routeKey: 'POST /api/x/' },
  );
  const result = fromHandlerResult(await route(event as never, localContext('test')));
  return { status: result.statusCode, body: JSON.parse(result.body.toString()) };
}

describe('an authenticated route', () => {
  it('hands its handler the caller and the parsed body', async () => {
    const { token: key } = await token();
    expect(await call({ authorization: `Token ${key}` }, '{"a": 1}')).toEqual({ status: 200, body: { user: 'ann', body: { a: 1 } } });
  });

  it('answers 401 without credentials, before reading the body', async () => {
    expect(await call({}, '{"a": ')).toEqual({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
  });
});
