/**
 * THE route table. Each entry becomes one Lambda function and its API Gateway routes in
 * the CDK stack, and is mounted by the local server: a route is added here and nowhere
 * else. `handler` names the module `functions/<handler>.ts`, which exports `handler`.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the function may do to the table; its IAM policy grants exactly this. */
export type TableAccess = 'none' | 'read' | 'readwrite';

export interface Route {
  /** Unique, PascalCase: names the function in the stack. */
  name: string;
  methods: readonly Method[];
  /** With its trailing slash; the same path without it is served too. */
  path: string;
  handler: string;
  access: TableAccess;
  /** API Gateway's own limit for this route, below the stage's. @default the stage's */
  throttle?: { rateLimit: number; burstLimit: number };
}

export const routes: readonly Route[] = [
  { name: 'Health', methods: ['GET'], path: '/api/health/', handler: 'health', access: 'none' },
  // Password hashing routes are the costly ones to abuse: they get tighter gateway limits.
  {
    name: 'SignUp',
    methods: ['POST'],
    path: '/api/user/sign_up/',
    handler: 'sign-up',
    access: 'readwrite',
    throttle: { rateLimit: 10, burstLimit: 20 },
  },
  {
    name: 'Login',
    methods: ['POST'],
    path: '/api/user/login/',
    handler: 'login',
    access: 'readwrite',
    throttle: { rateLimit: 50, burstLimit: 100 },
  },
  { name: 'GetDetail', methods: ['GET'], path: '/api/user/get_detail/', handler: 'get-detail', access: 'read' },
  { name: 'Logout', methods: ['POST'], path: '/api/user/logout/', handler: 'logout', access: 'readwrite' },
  { name: 'BlockSlots', methods: ['POST'], path: '/api/user/block_slots/', handler: 'block-slots', access: 'readwrite' },
  {
    name: 'GetAvailableSlots',
    methods: ['GET'],
    path: '/api/user/get_available_slots/',
    handler: 'get-available-slots',
    access: 'read',
  },
  { name: 'CreateEvent', methods: ['POST'], path: '/api/event/', handler: 'create-event', access: 'readwrite' },
  { name: 'ListEvents', methods: ['GET'], path: '/api/event/', handler: 'list-events', access: 'read' },
  { name: 'GetEvent', methods: ['GET'], path: '/api/event/{id}/', handler: 'get-event', access: 'read' },
  { name: 'UpdateEvent', methods: ['PUT', 'PATCH'], path: '/api/event/{id}/', handler: 'update-event', access: 'readwrite' },
];

/** Answers every request no route takes: 404 for unknown paths, 405 for wrong methods. */
export const fallbackRoute = { name: 'Fallback', handler: 'fallback', access: 'none' } as const;

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
  | { kind: 'route'; route: Route; pathParameters: Record<string, string> }
  | { kind: 'wrongMethod'; allowed: Method[] }
  | { kind: 'none' };

/** Which route serves `method` on `path`, as API Gateway would pick it. */
export function matchRoute(method: string, path: string): RouteMatch {
  const allowed: Method[] = [];
  for (const { route, pattern: regex } of compiled) {
    const found = regex.exec(path);
    if (!found) continue;
    if ((route.methods as readonly string[]).includes(method.toUpperCase())) {
      const pathParameters: Record<string, string> = {};
      for (const [name, value] of Object.entries(found.groups ?? {})) pathParameters[name] = decodePathSegment(value);
      return { kind: 'route', route, pathParameters };
    }
    allowed.push(...route.methods);
  }
  return allowed.length > 0 ? { kind: 'wrongMethod', allowed } : { kind: 'none' };
}
