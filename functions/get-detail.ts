import { describeLogin } from './domain/auth';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { authentication } = services();

/** GET /api/user/get_detail/: the caller, in the login answer's shape. */
export const handler = authenticatedRoute(authentication, {}, async ({ principal }) =>
  json(200, describeLogin(principal.user, principal.token)),
);
