/**
 * The one way a page's own files are served (the docs page's, the web calendar's): a file
 * by name from the page's list (anything else is 404), read and compressed once per
 * container, revalidated by its ETag, and cached for a year when asked for with `?v=`
 * naming its current version (as the pages do).
 */
import { gzipSync } from 'node:zlib';
import { acceptsGzip, etagOf, holdsCurrent, notModified } from './api-docs/conditional';
import { NotFound } from './domain/errors';
import { publicRoute } from './http/route-handler';
import { securityHeaders } from './http/responses';

export interface StaticFile {
  /** `Content-Type` of the answer. */
  type: string;
  /** Compressible text. */
  text: boolean;
}

interface Prepared {
  body: Buffer;
  /** The body gzipped, for text. */
  gzipped: Buffer | undefined;
  etag: string;
  version: string;
}

export function staticAssetHandler<File extends StaticFile>(source: {
  files: Readonly<Record<string, File>>;
  read: (name: string, file: File) => Promise<Buffer>;
  /** The version `?v=` names for the file holding `body`. */
  version: (name: string, body: Buffer) => string;
  /** zlib's level for text. @default zlib's default */
  gzipLevel?: number;
}) {
  const prepared = new Map<string, Promise<Prepared>>();
  const prepare = (name: string, file: File): Promise<Prepared> => {
    let ready = prepared.get(name);
    if (!ready) {
      ready = source.read(name, file).then((body) => ({
        body,
        gzipped: file.text ? gzipSync(body, { level: source.gzipLevel }) : undefined,
        etag: etagOf(body),
        version: source.version(name, body),
      }));
      // A failed read is not kept: the next request tries again.
      ready.catch(() => prepared.delete(name));
      prepared.set(name, ready);
    }
    return ready;
  };

  return publicRoute({}, async ({ event }) => {
    const name = event.pathParameters?.asset ?? '';
    const file = Object.hasOwn(source.files, name) ? source.files[name] : undefined;
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
}
