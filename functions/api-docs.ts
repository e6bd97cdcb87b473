import { etagOf, holdsCurrent, notModified } from './api-docs/conditional';
import { docsPage, pagePolicy } from './api-docs/page';
import { publicRoute } from './http/route-handler';
import { securityHeaders } from './http/responses';

const page = docsPage();
const etag = etagOf(page);

/** GET /api/docs/: the page that renders the OpenAPI document; always revalidated, since it names the files' versions. */
export const handler = publicRoute({}, async ({ event }) => {
  const headers = {
    ...securityHeaders,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-cache',
    'content-security-policy': pagePolicy,
    etag,
  };
  if (holdsCurrent(event, etag)) return notModified(headers);
  return { statusCode: 200, headers, body: page };
});
