import { staticAssetHandler } from './static-asset';
import { contentVersion, webFiles } from './web-app/files';
import { webFileReader } from './web-files';

/** GET /app/{asset}: a built file of the web calendar, versioned by its content. */
export const handler = staticAssetHandler({
  files: webFiles,
  read: webFileReader(),
  version: (_name, body) => contentVersion(body),
  gzipLevel: 9,
});
