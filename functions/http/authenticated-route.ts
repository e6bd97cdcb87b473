import type { Principal } from '../domain/auth';
import { services } from '../services';
import { authentication } from './auth';
import { type AuthenticatedRouteOptions, chain, type PublicRequest } from './route-handler';
import type { ApiResult } from './types';

export interface AuthenticatedRequest extends PublicRequest {
  principal: Principal;
}

/** A route for authenticated callers only (kept apart so public routes bundle no store). */
export function authenticatedRoute(options: AuthenticatedRouteOptions, handle: (request: AuthenticatedRequest) => Promise<ApiResult>) {
  // Resolved at load: bad configuration fails the cold start, not a request.
  const { credentials } = services();
  return chain(options, authentication(credentials), (event, context) => {
    // Stryker disable next-line StringLiteral: equivalent: unreachable, the authentication middleware sets a principal or throws
    if (!event.principal) throw new Error('authentication middleware did not run');
    return handle({ event, context, body: event.jsonBody ?? {}, principal: event.principal });
  });
}
