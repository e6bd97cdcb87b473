/**
 * The files of the docs page that come from a package (Swagger UI's), read at run time
 * rather than bundled: the stack copies them beside the function's bundle (each
 * function's JavaScript bundle stays small), the local runtime reads them from
 * node_modules.
 */

/** Files of a package that a handler reads at run time. */
export interface BundledFiles {
  /** The npm package they come from. */
  package: string;
  /** Their names in the package, copied as they are. */
  names: readonly string[];
  /** The folder beside the bundle they are copied into (the stack sets `DOCS_FILES_DIR` to it). */
  into: string;
}

export const docsPageFiles: BundledFiles = {
  package: 'swagger-ui-dist',
  // LICENSE and NOTICE travel with the code they cover (Apache-2.0); they are not served.
  names: ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'favicon-16x16.png', 'LICENSE', 'NOTICE'],
  into: 'swagger-ui',
};
