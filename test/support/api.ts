/**
 * Calls the handlers the way API Gateway does, without HTTP: the route table picks the
 * handler module, the request becomes a payload 2.0 event, the result a response.
 */
import { fromHandlerResult, localContext, toApiGatewayEvent } from '../../local/api-gateway';
import { fallbackRoute, matchRoute } from '../../functions/routes';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[]>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  setCookies: string[];
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** The caller's address as API Gateway reports it. @default 127.0.0.1 */
  sourceIp?: string;
  /** The API's own domain (`requestContext.domainName`). @default localhost, the local runtime's */
  domainName?: string;
  /** The function's timeout, which bounds the request's deadline. @default the stack's 10 s */
  timeoutMs?: number;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export async function call(method: string, url: string, options: CallOptions = {}): Promise<ApiResponse> {
  const path = url.split('?')[0] ?? '/';
  const match = matchRoute(method, path);
  const module = match.kind === 'route' ? match.route.handler : fallbackRoute.handler;
  const { handler } = (await import(`../../functions/${module}`)) as { handler: Handler };

  const headers: Record<string, string> = { ...options.headers };
  let body: Buffer | undefined;
  if (options.rawBody !== undefined) body = Buffer.from(options.rawBody);
  else if (options.body !== undefined) {
    body = Buffer.from(JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
  }
  if (options.cookies) {
    headers.cookie = Object.entries(options.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }
  const event = toApiGatewayEvent(
    { method, url, headers, body, sourceIp: options.sourceIp },
    {
      routeKey: match.kind === 'route' ? `${method} ${match.route.path}` : '$default',
      pathParameters: match.kind === 'route' ? match.pathParameters : undefined,
    },
    options.domainName,
  );
  const result = fromHandlerResult(await handler(event, localContext(module, options.timeoutMs)));
  const text = result.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const setCookie = result.headers['set-cookie'];
  return {
    status: result.statusCode,
    headers: result.headers,
    body: parsed,
    text,
    setCookies: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie],
  };
}

let counter = 0;

/** A username and email no other test uses. */
export function uniqueUser(prefix = 'user') {
  counter += 1;
  const tag = `${prefix}${process.pid}x${counter}x${Math.random().toString(36).slice(2, 8)}`;
  return { username: tag, email: `${tag}@example.com`, password: `pw-${tag}-Secret!` };
}

/** The value of cookie `name` among Set-Cookie headers. */
export function cookieValue(setCookies: string[], name: string): string | undefined {
  for (const line of setCookies) {
    const [pair] = line.split(';');
    const [key, ...value] = (pair ?? '').split('=');
    if (key?.trim() === name) return value.join('=');
  }
  return undefined;
}

export interface LoggedIn {
  user: { id: string; username: string; email: string };
  password: string;
  token: string;
  sessionId: string;
  csrfToken: string;
  /** Headers for token authentication. */
  auth: Record<string, string>;
}

/** Signs a fresh user up and logs them in. */
export async function signedInUser(prefix = 'user'): Promise<LoggedIn> {
  const credentials = uniqueUser(prefix);
  const signUp = await call('POST', '/api/user/sign_up/', { body: credentials });
  if (signUp.status !== 201) throw new Error(`sign up failed: ${signUp.text}`);
  const login = await call('POST', '/api/user/login/', { body: { username: credentials.username, password: credentials.password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return {
    user: login.body.user,
    password: credentials.password,
    token: login.body.auth_token,
    sessionId: cookieValue(login.setCookies, 'sessionid') ?? '',
    csrfToken: cookieValue(login.setCookies, 'csrftoken') ?? '',
    auth: { authorization: `Token ${login.body.auth_token}` },
  };
}

/** The date `days` after today (UTC), `YYYY-MM-DD`. */
export function futureDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

let dayCounter = 0;
/** A future date no other call in this process returned: tests never share a day. */
export function freshDate(): string {
  dayCounter += 1;
  return futureDate(30 + ((process.pid * 37 + dayCounter) % 3000));
}
