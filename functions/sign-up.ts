import { signUp } from './domain/sign-up';
import { publicRoute } from './http/route-handler';
import { json } from './http/responses';
import { passwordHasher } from './password-hasher';
import { services } from './services';

const { users, limiter, config } = services();
const limits = config.attemptLimits;
const hasher = passwordHasher();

/** POST /api/user/sign_up/ */
export const handler = publicRoute({ body: true }, async ({ event, body }) =>
  json(201, await signUp(body, { users, hasher, now: new Date(), limiter, limits, sourceIp: event.requestContext.http.sourceIp })),
);
