import { openApiDocument } from './api-docs/document';
import { etagOf, holdsCurrent, notModified } from './api-docs/conditional';
import { operations } from './api-docs/operations';
import { publicRoute } from './http/route-handler';
import { securityHeaders } from './http/responses';
import { routes } from './routes';

let built: { body: string; etag: string } | undefined;

/** The document, built once per container: the routes and schemas cannot change under it. */
function document() {
  if (!built) {
    const body = JSON.stringify(openApiDocument(routes, operations));
    built = { body, etag: etagOf(body) };
  }
  return built;
}

/** GET /api/openapi.json: the OpenAPI 3.1 description of every route. */
export const handler = publicRoute({}, async ({ event }) => {
  const { body, etag } = document();
  const headers = { ...securityHeaders, 'cache-control': 'no-cache', etag };
  if (holdsCurrent(event, etag)) return notModified(headers);
  return { statusCode: 200, headers, body };
});
