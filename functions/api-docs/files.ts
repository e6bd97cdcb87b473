/**
 * The files of the docs page that come from a package (Swagger UI's), read at run time
 * rather than bundled: the stack copies them beside the function's bundle (each
 * function's JavaScript bundle stays small), the local runtime reads them from
 * node_modules.
 */

/** Files that a handler reads at run time. */
export interface BundledFiles {
  /** The folder they come from, relative to the project's root (a package's in node_modules, or a build's output). */
  folder: string;
  /** Their names in that folder, copied as they are. */
  names: readonly string[];
  /** The folder beside the bundle they are copied into. */
  into: string;
  /** The setting naming that folder, which the stack sets to `into` (the local runtime reads `folder`). */
  setting: 'DOCS_FILES_DIR' | 'WEB_FILES_DIR';
  /** A command run in the project's root before bundling, which makes the files. @default none: they are there */
  build?: string;
}

export const docsPageFiles: BundledFiles = {
  folder: 'node_modules/swagger-ui-dist',
  // LICENSE and NOTICE travel with the code they cover (Apache-2.0); they are not served.
  names: ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'favicon-16x16.png', 'LICENSE', 'NOTICE'],
  into: 'swagger-ui',
  setting: 'DOCS_FILES_DIR',
};
