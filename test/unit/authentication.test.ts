import { login } from '../../functions/domain/auth';
import { signUp } from '../../functions/domain/sign-up';
import { CsrfFailed, NotAuthenticated } from '../../functions/domain/errors';
import type { PasswordHasher } from '../../functions/domain/passwords';
import { authentication } from '../../functions/http/auth';
import type { ApiEvent } from '../../functions/http/types';
import { toApiGatewayEvent } from '../../local/api-gateway';
import { expectRejection } from './expect-error';
import { MemoryCredentials, MemoryUsers } from './fakes';

const hasher: PasswordHasher = {
  hash: async (password) => `hashed:${password}`,
  verify: async (password, hash) => hash === `hashed:${password}`,
};

async function session() {
  const users = new MemoryUsers();
  const credentials = new MemoryCredentials();
  await signUp({ username: 'ann', email: 'ann@example.com', password: 'long enough pw' }, { users, hasher, now: new Date() });
  const granted = await login(
    { username: 'ann', password: 'long enough pw' },
    { users, credentials, hasher, now: new Date(), sessionTtlSeconds: 600, tokens: { ttlSeconds: 3600, perUser: 10 } },
  );
  /** Runs the middleware on a request; answers the event it authenticated. */
  const authenticate = async (method: string, headers: Record<string, string>) => {
    const event = toApiGatewayEvent({ method, url: '/api/x/', headers }, { routeKey: `${method} /api/x/` }) as ApiEvent;
    await authentication({ credentials, tokenTtlSeconds: 3600 }).before!({ event } as never);
    return event;
  };
  return { granted, authenticate };
}

describe('the authentication middleware', () => {
  it('sets the principal of a request with a live token', async () => {
    const { granted, authenticate } = await session();
    const event = await authenticate('GET', { authorization: `Token ${granted.token}` });
    expect(event.principal).toEqual({ user: granted.user, via: 'token', token: granted.token });
  });

  it('sets the principal of a request with a live session cookie', async () => {
    const { granted, authenticate } = await session();
    const event = await authenticate('GET', { cookie: `sessionid=${granted.sessionId}` });
    expect(event.principal).toEqual({ user: granted.user, via: 'session', token: granted.token });
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'post'])('asks a %s by session for the CSRF token', async (method) => {
    const { granted, authenticate } = await session();
    await expectRejection(
      authenticate(method, { cookie: `sessionid=${granted.sessionId}` }),
      CsrfFailed,
      'CSRF Failed: CSRF token missing.',
    );
  });

  it('accepts an unsafe method by session with the X-CSRFToken header', async () => {
    const { granted, authenticate } = await session();
    const event = await authenticate('POST', { cookie: `sessionid=${granted.sessionId}`, 'X-CSRFToken': granted.csrfToken });
    expect(event.principal?.via).toBe('session');
  });

  it('refuses a request without credentials', async () => {
    const { authenticate } = await session();
    await expectRejection(authenticate('GET', {}), NotAuthenticated, 'Authentication credentials were not provided.');
  });
});
