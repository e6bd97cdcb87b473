import { HttpError } from './http/http-error';
import { publicRoute } from './http/route-handler';
import { matchRoute } from './routes';

/**
 * API Gateway's `$default` route: whatever no route takes. A known path with another
 * method is 405 with `Allow`; anything else is 404.
 */
export const handler = publicRoute({}, async ({ event }) => {
  const method = event.requestContext.http.method;
  const match = matchRoute(method, event.rawPath);
  if (match.kind === 'wrongMethod') {
    throw new HttpError(405, `Method "${method.toUpperCase()}" not allowed.`, { allow: match.allowed.join(', ') });
  }
  throw new HttpError(404, 'Not found.');
});
