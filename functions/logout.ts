import { logout } from './domain/auth';
import { logoutCookies } from './http/cookies';
import { authenticatedRoute } from './http/route-handler';
import { json } from './http/responses';
import { services } from './services';

const { authentication, credentials } = services();

/** POST /api/user/logout/: revokes the caller's tokens and sessions. */
export const handler = authenticatedRoute(authentication, {}, async ({ event, principal }) => {
  await logout(principal, { credentials });
  return json(200, { logged_out: true }, { cookies: logoutCookies(event) });
});
