import { signUp } from './domain/auth';
import { publicRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { users, hasher } = services();

/** POST /api/user/sign_up/ */
export const handler = publicRoute({ body: true }, async ({ body }) =>
  json(201, await signUp(body, { users, hasher, now: new Date() })),
);
