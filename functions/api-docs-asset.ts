import { docsFiles, fileVersion, ownFiles } from './api-docs/page';
import { docsFileReader } from './docs-files';
import { staticAssetHandler } from './static-asset';

const read = docsFileReader();

/** GET /api/docs/{asset}: a file of the docs page (ours from the bundle, Swagger UI's from its files). */
export const handler = staticAssetHandler({
  files: docsFiles,
  read: (name) => {
    const own = ownFiles[name];
    return own === undefined ? read(name) : Promise.resolve(Buffer.from(own));
  },
  version: (name) => fileVersion(name),
});
