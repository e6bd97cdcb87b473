/**
 * THE route table. Each entry becomes one Lambda function and its API Gateway routes in
 * the CDK stack, and is mounted by the local server: a route is added here and nowhere
 * else. `handler` names the module `functions/<handler>.ts`, which exports `handler`.
 */
import { type BundledFiles, docsPageFiles } from './api-docs/files';
import { webAppFiles } from './web-app/files';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the function may do to the table; its IAM policy grants exactly this. */
export type TableAccess = 'none' | 'read' | 'readwrite';

/** The table's partitions (see `store/items/partitions.ts`), named without their key formats. */
export type Partition =
  | 'user'
  | 'username'
  | 'email'
  | 'skeleton'
  | 'token'
  | 'session'
  | 'meeting'
  | 'member'
  | 'recount'
  | 'attempts'
  | 'idempotency'
  | 'webhook'
  | 'feed';

/**
 * What recognising a caller reads; renewing a token by use extends its `expiresAt` there,
 * the one write a read route may make (see `ApiFunction.bindTable`).
 */
const caller: readonly Partition[] = ['token', 'session', 'user'];

export interface Route {
  /** Unique, PascalCase: names the function in the stack. */
  name: string;
  methods: readonly Method[];
  /** With its trailing slash; the same path without it is served too. */
  path: string;
  handler: string;
  access: TableAccess;
  /** The only partitions the function may touch (its IAM policy's `dynamodb:LeadingKeys`). */
  partitions: readonly Partition[];
  /** API Gateway's own limit for this route, below the stage's. @default the stage's */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Hands webhook delivery attempts to the delivery queue: the stack lets it send there, and nothing more of the queue. */
  sendsDeliveries?: true;
  /** Makes webhook signing secrets: the stack lets it encrypt them with the secrets' KMS key, and never decrypt. */
  sealsSecrets?: true;
  /** Seals and opens listing cursors: the stack hands it the deployment's cursor secret (`CURSOR_KEYS`). */
  sealsCursors?: true;
  /** Files of a package that the handler reads at run time: the stack copies them beside its bundle. */
  files?: BundledFiles;
}

export const routes: readonly Route[] = [
  { name: 'Health', methods: ['GET'], path: '/api/health/', handler: 'health', access: 'none', partitions: [] },
  // Password hashing routes are the costly ones to abuse: they get tighter gateway limits.
  {
    name: 'SignUp',
    methods: ['POST'],
    path: '/api/user/sign_up/',
    handler: 'sign-up',
    access: 'readwrite',
    partitions: ['user', 'username', 'email', 'skeleton', 'attempts'],
    throttle: { rateLimit: 10, burstLimit: 20 },
  },
  {
    name: 'Login',
    methods: ['POST'],
    path: '/api/user/login/',
    handler: 'login',
    access: 'readwrite',
    partitions: ['username', 'attempts', 'token', 'session', 'user'],
    throttle: { rateLimit: 50, burstLimit: 100 },
  },
  { name: 'GetDetail', methods: ['GET'], path: '/api/user/get_detail/', handler: 'get-detail', access: 'read', partitions: caller },
  { name: 'Logout', methods: ['POST'], path: '/api/user/logout/', handler: 'logout', access: 'readwrite', partitions: caller },
  {
    name: 'BlockSlots',
    methods: ['POST'],
    path: '/api/user/block_slots/',
    handler: 'block-slots',
    access: 'readwrite',
    partitions: caller,
  },
  {
    name: 'GetAvailableSlots',
    methods: ['GET'],
    path: '/api/user/get_available_slots/',
    handler: 'get-available-slots',
    access: 'read',
    partitions: [...caller, 'email'],
  },
  {
    name: 'UnblockSlots',
    methods: ['POST'],
    path: '/api/user/unblock_slots/',
    handler: 'unblock-slots',
    access: 'readwrite',
    partitions: caller,
  },
  {
    name: 'ReplaceBlockedSlots',
    methods: ['PUT'],
    path: '/api/user/blocked_slots/{date}/',
    handler: 'replace-blocked-slots',
    access: 'readwrite',
    partitions: caller,
  },
  {
    name: 'CommonAvailability',
    methods: ['GET'],
    path: '/api/availability/common/',
    handler: 'common-availability',
    access: 'read',
    partitions: [...caller, 'email'],
  },
  {
    name: 'CreateEvent',
    methods: ['POST'],
    path: '/api/event/',
    handler: 'create-event',
    access: 'readwrite',
    partitions: [...caller, 'meeting', 'email', 'attempts', 'idempotency'],
  },
  {
    name: 'ListEvents',
    methods: ['GET'],
    path: '/api/event/',
    handler: 'list-events',
    access: 'read',
    partitions: [...caller, 'member', 'recount', 'meeting'],
    sealsCursors: true,
  },
  {
    name: 'GetEvent',
    methods: ['GET'],
    path: '/api/event/{id}/',
    handler: 'get-event',
    access: 'read',
    partitions: [...caller, 'meeting'],
  },
  {
    name: 'UpdateEvent',
    methods: ['PUT', 'PATCH'],
    path: '/api/event/{id}/',
    handler: 'update-event',
    access: 'readwrite',
    partitions: [...caller, 'meeting', 'email', 'attempts', 'idempotency'],
  },
  {
    name: 'RespondToEvent',
    methods: ['POST'],
    path: '/api/event/{id}/respond/',
    handler: 'respond-to-event',
    access: 'readwrite',
    partitions: [...caller, 'meeting', 'idempotency'],
  },
  {
    name: 'GetEventIcs',
    methods: ['GET'],
    path: '/api/event/{id}/ics/',
    handler: 'get-event-ics',
    access: 'read',
    partitions: [...caller, 'meeting'],
  },
  // Calendar feeds: only these functions may reach the feed partition; the feed itself
  // reads its owner from there, never a credential or a profile.
  {
    name: 'CreateCalendarFeed',
    methods: ['POST'],
    path: '/api/user/calendar_feed/',
    handler: 'create-calendar-feed',
    access: 'readwrite',
    partitions: [...caller, 'feed'],
  },
  {
    name: 'DeleteCalendarFeed',
    methods: ['DELETE'],
    path: '/api/user/calendar_feed/',
    handler: 'delete-calendar-feed',
    access: 'readwrite',
    partitions: [...caller, 'feed'],
  },
  // The path segment is `<secret>.ics`: API Gateway takes path variables as whole segments.
  {
    name: 'CalendarFeed',
    methods: ['GET'],
    path: '/api/calendar/{feed}/',
    handler: 'calendar-feed',
    access: 'read',
    partitions: ['feed', 'member', 'meeting'],
  },
  // Webhooks: only these functions (and the delivery code) may reach the webhook partition.
  ...webhookRoutes(),
  // The API's own description and its docs page (functions/api-docs/), for anyone.
  { name: 'OpenApi', methods: ['GET'], path: '/api/openapi.json', handler: 'openapi', access: 'none', partitions: [] },
  { name: 'ApiDocs', methods: ['GET'], path: '/api/docs/', handler: 'api-docs', access: 'none', partitions: [] },
  {
    name: 'ApiDocsAsset',
    methods: ['GET'],
    path: '/api/docs/{asset}',
    handler: 'api-docs-asset',
    access: 'none',
    partitions: [],
    files: docsPageFiles,
  },
  // The web calendar for people (functions/web-app/, built from web/): same origin as the
  // API, so its session cookie and CSRF token work as they do for any client of the API.
  { name: 'WebApp', methods: ['GET'], path: '/', handler: 'web-app', access: 'none', partitions: [], files: webAppFiles },
  {
    name: 'WebAppAsset',
    methods: ['GET'],
    path: '/app/{asset}',
    handler: 'web-app-asset',
    access: 'none',
    partitions: [],
    files: webAppFiles,
  },
];

function webhookRoutes(): Route[] {
  const writes = [...caller, 'webhook'] as const;
  const entry = (name: string, method: Method, path: string, handler: string, access: TableAccess): Route => ({
    name,
    methods: [method],
    path: `/api/webhooks/${path}`,
    handler,
    access,
    partitions: writes,
  });
  return [
    { ...entry('CreateWebhook', 'POST', '', 'create-webhook', 'readwrite'), sealsSecrets: true },
    entry('ListWebhooks', 'GET', '', 'list-webhooks', 'read'),
    entry('GetWebhook', 'GET', '{id}/', 'get-webhook', 'read'),
    entry('UpdateWebhook', 'PATCH', '{id}/', 'update-webhook', 'readwrite'),
    entry('DeleteWebhook', 'DELETE', '{id}/', 'delete-webhook', 'readwrite'),
    { ...entry('RotateWebhookSecret', 'POST', '{id}/rotate_secret/', 'rotate-webhook-secret', 'readwrite'), sealsSecrets: true },
    { ...entry('PingWebhook', 'POST', '{id}/ping/', 'ping-webhook', 'readwrite'), sendsDeliveries: true },
    entry('ListWebhookDeliveries', 'GET', '{id}/deliveries/', 'list-webhook-deliveries', 'read'),
    {
      ...entry('RedeliverWebhookDelivery', 'POST', '{id}/deliveries/{delivery_id}/redeliver/', 'redeliver-webhook-delivery', 'readwrite'),
      sendsDeliveries: true,
    },
  ];
}

/** Answers every request no route takes: 404 for unknown paths, 405 for wrong methods. */
export const fallbackRoute = { name: 'Fallback', handler: 'fallback', access: 'none', partitions: [] as readonly Partition[] } as const;

function pattern(path: string): RegExp {
  const source = path
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) => (/^\{\w+\}$/.test(segment) ? `(?<${segment.slice(1, -1)}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

const compiled = routes.map((route) => ({ route, pattern: pattern(route.path) }));

/** A percent-decoded path segment; a malformed encoding is kept as sent, never thrown. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export type RouteMatch =
  { kind: 'route'; route: Route; pathParameters: Record<string, string> } | { kind: 'wrongMethod'; allowed: Method[] } | { kind: 'none' };

/**
 * The methods a route answers: those it lists, and HEAD wherever it lists GET (GET's
 * answer without its body, as HTTP has it: calendar applications check a feed so).
 */
export function methodsOf(route: Pick<Route, 'methods'>): Method[] {
  return route.methods.includes('GET') && !route.methods.includes('HEAD') ? [...route.methods, 'HEAD'] : [...route.methods];
}

/** Which route serves `method` on `path`, as API Gateway would pick it. */
export function matchRoute(method: string, path: string): RouteMatch {
  const allowed: Method[] = [];
  for (const { route, pattern: regex } of compiled) {
    const found = regex.exec(path);
    if (!found) continue;
    const methods = methodsOf(route);
    if ((methods as readonly string[]).includes(method.toUpperCase())) {
      const pathParameters: Record<string, string> = {};
      for (const [name, value] of Object.entries(found.groups ?? {})) pathParameters[name] = decodePathSegment(value);
      return { kind: 'route', route, pathParameters };
    }
    allowed.push(...methods);
  }
  return allowed.length > 0 ? { kind: 'wrongMethod', allowed } : { kind: 'none' };
}
