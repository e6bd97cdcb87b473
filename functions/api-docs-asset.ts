import { gzipSync } from 'node:zlib';
import { acceptsGzip, etagOf, holdsCurrent, notModified } from './api-docs/conditional';
import { type DocsFile, docsFiles, fileVersion, ownFiles } from './api-docs/page';
import { NotFound } from './domain/errors';
import { docsFileReader } from './docs-files';
import { publicRoute } from './http/route-handler';
import { securityHeaders } from './http/responses';

const read = docsFileReader();

interface Prepared {
  body: Buffer;
  /** The body gzipped, for text. */
  gzipped: Buffer | undefined;
  etag: string;
}

/** Each file read and compressed once per container. */
const prepared = new Map<string, Promise<Prepared>>();

function prepare(name: string, file: DocsFile): Promise<Prepared> {
  let ready = prepared.get(name);
  if (!ready) {
    const own = ownFiles[name];
    ready = (own === undefined ? read(name) : Promise.resolve(Buffer.from(own))).then((body) => ({
      body,
      gzipped: file.text ? gzipSync(body) : undefined,
      etag: etagOf(body),
    }));
    // A failed read is not kept: the next request tries again.
    ready.catch(() => prepared.delete(name));
    prepared.set(name, ready);
  }
  return ready;
}

/**
 * GET /api/docs/{asset}: a file of the docs page, by name from its list (anything else is
 * 404). Asked for with `?v=` naming its current version, it may be cached for a year;
 * otherwise it is revalidated by its ETag.
 */
export const handler = publicRoute({}, async ({ event }) => {
  const name = event.pathParameters?.asset ?? '';
  const file = Object.hasOwn(docsFiles, name) ? docsFiles[name] : undefined;
  if (!file) throw new NotFound();
  const { body, gzipped, etag } = await prepare(name, file);
  const current = event.queryStringParameters?.v === fileVersion(name);
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
