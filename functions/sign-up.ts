import { signUp } from './domain/auth';
import { publicRoute } from './http/route-handler';
import { json } from './http/responses';
import { passwordHasher } from './password-hasher';
import { services } from './services';

const { users } = services();
const hasher = passwordHasher();

/** POST /api/user/sign_up/ */
export const handler = publicRoute({ body: true }, async ({ body }) =>
  json(201, await signUp(body, { users, hasher, now: new Date() })),
);
