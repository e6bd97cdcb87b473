import { describeLogin, login } from './domain/auth';
import { loginCookies } from './http/cookies';
import { publicRoute } from './http/route-handler';
import { json } from './http/responses';
import { passwordHasher } from './password-hasher';
import { services } from './services';

const { users, credentials, limiter, config } = services();
const limits = config.attemptLimits;
const hasher = passwordHasher();

/** POST /api/user/login/: a token for API clients, a session and CSRF cookie for browsers. */
export const handler = publicRoute({ body: true }, async ({ event, body }) => {
  const result = await login(body, {
    users,
    credentials,
    hasher,
    now: new Date(),
    sessionTtlSeconds: config.sessionTtlSeconds,
    tokens: config.tokens,
    limiter,
    limits,
    sourceIp: event.requestContext.http.sourceIp,
  });
  return json(200, describeLogin(result.user, result.token), {
    cookies: loginCookies(event, { ...result, maxAgeSeconds: result.sessionMaxAgeSeconds }),
  });
});
