/**
 * The docs page: Swagger UI rendering `/api/openapi.json`, with every file served by us
 * under `/api/docs/` (no third-party host), under a Content-Security-Policy that allows
 * only our own scripts and styles, our own API and Swagger UI's inline data images.
 * Files are asked for with `?v=<version>`: an answer to the current version may be
 * cached for a year, since a new version is a new URL.
 */
import { createHash } from 'node:crypto';
import swaggerUi from 'swagger-ui-dist/package.json';

export const DOCS_PATH = '/api/docs/';
export const DOCUMENT_PATH = '/api/openapi.json';

/**
 * Starts Swagger UI. A file of ours rather than an inline script, which the policy
 * forbids. A person who logged in on this site has the session cookie: unsafe calls then
 * need X-CSRFToken, taken from the `csrftoken` cookie as the contract says.
 */
export const initializer = `(function () {
  'use strict';
  function cookie(name) {
    var found = document.cookie.split('; ').filter(function (pair) { return pair.indexOf(name + '=') === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : undefined;
  }
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(DOCUMENT_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    defaultModelsExpandDepth: 0,
    requestInterceptor: function (request) {
      var csrf = cookie('csrftoken');
      if (csrf && !/^(GET|HEAD|OPTIONS)$/i.test(request.method || 'GET')) request.headers['X-CSRFToken'] = csrf;
      return request;
    }
  });
})();
`;

/** A few rules of ours on top of Swagger UI's stylesheet. */
export const stylesheet = `body { margin: 0; background: #fafafa; }
.swagger-ui .information-container { padding-top: 8px; }
`;

export interface DocsFile {
  /** `Content-Type` of the answer. */
  type: string;
  /** Ours (in the bundle) or Swagger UI's (read from its files). */
  source: 'ours' | 'package';
  /** Compressible text. */
  text: boolean;
}

/** Every file the page uses, by name: nothing else is served. */
export const docsFiles: Readonly<Record<string, DocsFile>> = {
  'swagger-ui-bundle.js': { type: 'text/javascript; charset=utf-8', source: 'package', text: true },
  'swagger-ui.css': { type: 'text/css; charset=utf-8', source: 'package', text: true },
  'favicon-32x32.png': { type: 'image/png', source: 'package', text: false },
  'favicon-16x16.png': { type: 'image/png', source: 'package', text: false },
  'docs.js': { type: 'text/javascript; charset=utf-8', source: 'ours', text: true },
  'docs.css': { type: 'text/css; charset=utf-8', source: 'ours', text: true },
};

/** Our own files' contents. */
export const ownFiles: Readonly<Record<string, string>> = { 'docs.js': initializer, 'docs.css': stylesheet };

const shortHash = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 12);

/** The version a file is asked for with: Swagger UI's release for its files, a hash of the content for ours. */
export function fileVersion(name: string): string {
  const own = ownFiles[name];
  return own === undefined ? swaggerUi.version : shortHash(own);
}

/** What the page may load and call: itself only (Swagger UI's stylesheet holds `data:` images). */
export const pagePolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const url = (name: string) => `${DOCS_PATH}${name}?v=${fileVersion(name)}`;

/** The page's HTML. */
export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Calendar booking API</title>
<link rel="icon" type="image/png" sizes="32x32" href="${url('favicon-32x32.png')}">
<link rel="icon" type="image/png" sizes="16x16" href="${url('favicon-16x16.png')}">
<link rel="stylesheet" href="${url('swagger-ui.css')}">
<link rel="stylesheet" href="${url('docs.css')}">
</head>
<body>
<noscript>This page needs JavaScript. The API description itself is at <a href="${DOCUMENT_PATH}">${DOCUMENT_PATH}</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${url('swagger-ui-bundle.js')}"></script>
<script src="${url('docs.js')}"></script>
</body>
</html>
`;
}
