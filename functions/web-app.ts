import { etagOf, holdsCurrent, notModified } from './api-docs/conditional';
import { publicRoute } from './http/route-handler';
import { securityHeaders } from './http/responses';
import { contentVersion, webFiles } from './web-app/files';
import { appPage, appPolicy } from './web-app/page';
import { serviceTimeZone, webFileReader } from './web-files';

const read = webFileReader();
const timeZone = serviceTimeZone();

/** The page, made once per container: each file's version is a hash of its content. */
let page: Promise<{ body: string; etag: string }> | undefined;

function makePage() {
  if (!page) {
    const names = Object.keys(webFiles);
    page = Promise.all(names.map(read)).then((contents) => {
      const versions = Object.fromEntries(names.map((name, i) => [name, contentVersion(contents[i]!)]));
      const body = appPage(versions, timeZone);
      return { body, etag: etagOf(body) };
    });
    // A failed read is not kept: the next request tries again.
    page.catch(() => (page = undefined));
  }
  return page;
}

/** GET /: the web calendar; always revalidated, since it names its files' versions. */
export const handler = publicRoute({}, async ({ event }) => {
  const { body, etag } = await makePage();
  const headers = {
    ...securityHeaders,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-cache',
    'content-security-policy': appPolicy,
    etag,
  };
  if (holdsCurrent(event, etag)) return notModified(headers);
  return { statusCode: 200, headers, body };
});
