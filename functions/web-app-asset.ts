import { gzipSync } from 'node:zlib';
import { acceptsGzip, etagOf, holdsCurrent, notModified } from './api-docs/conditional';
import { NotFound } from './domain/errors';
import { publicRoute } from './http/route-handler';
import { securityHeaders } from './http/responses';
import { contentVersion, type WebFile, webFiles } from './web-app/files';
import { webFileReader } from './web-files';

const read = webFileReader();

interface Prepared {
  body: Buffer;
  gzipped: Buffer | undefined;
  etag: string;
  version: string;
}

/** Each file read and compressed once per container. */
const prepared = new Map<string, Promise<Prepared>>();

function prepare(name: string, file: WebFile): Promise<Prepared> {
  let ready = prepared.get(name);
  if (!ready) {
    ready = read(name).then((body) => ({
      body,
      gzipped: file.text ? gzipSync(body, { level: 9 }) : undefined,
      etag: etagOf(body),
      version: contentVersion(body),
    }));
    // A failed read is not kept: the next request tries again.
    ready.catch(() => prepared.delete(name));
    prepared.set(name, ready);
  }
  return ready;
}

/**
 * GET /app/{asset}: a file of the web calendar, by name from its list (anything else is
 * 404). Asked for with `?v=` naming its current version (as the page does), it may be
 * cached for a year; otherwise it is revalidated by its ETag.
 */
export const handler = publicRoute({}, async ({ event }) => {
  const name = event.pathParameters?.asset ?? '';
  const file = Object.hasOwn(webFiles, name) ? webFiles[name] : undefined;
  if (!file) throw new NotFound();
  const { body, gzipped, etag, version } = await prepare(name, file);
  const current = event.queryStringParameters?.v === version;
  const headers: Record<string, string> = {
    ...securityHeaders,
    'content-type': file.type,
    'cache-control': current ? 'public, max-age=31536000, immutable' : 'public, no-cache',
    etag,
    vary: 'Accept-Encoding',
  };
  if (holdsCurrent(event, etag)) return notModified(headers);
  const compressed = gzipped !== undefined && acceptsGzip(event.headers?.['accept-encoding']);
  if (compressed) headers['content-encoding'] = 'gzip';
  return { statusCode: 200, headers, body: (compressed ? gzipped : body).toString('base64'), isBase64Encoded: true };
});
