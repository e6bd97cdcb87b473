import { describeLogin } from './domain/auth';
import { authenticatedRoute } from './http/authenticated-route';
import { json } from './http/responses';

/** GET /api/user/get_detail/: the caller, in the login answer's shape. */
export const handler = authenticatedRoute({}, async ({ principal }) =>
  json(200, describeLogin(principal.user, principal.token)),
);
