/**
 * The web calendar's page: an empty shell that loads our own script and stylesheet (no
 * third-party host, no inline script or style) under a strict Content-Security-Policy. It
 * tells the script the service's time zone, in which the API names dates and hours.
 */
import { APP_PATH } from './files';

/** What the page may load and call: its own files and its own API only. */
export const appPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's HTML; `versions` names each file's current version (a hash of its content). */
export function appPage(versions: Readonly<Record<string, string>>, timeZone: string): string {
  const url = (name: string) => `${APP_PATH}${name}?v=${encodeURIComponent(versions[name] ?? '')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="time-zone" content="${escape(timeZone)}">
<title>Calendar</title>
<link rel="icon" type="image/svg+xml" href="${url('icon.svg')}">
<link rel="stylesheet" href="${url('app.css')}">
<script defer src="${url('app.js')}"></script>
</head>
<body>
<noscript><p>This calendar needs JavaScript. The API it uses is described at <a href="/api/docs/">/api/docs/</a>.</p></noscript>
<div id="app"></div>
</body>
</html>
`;
}
