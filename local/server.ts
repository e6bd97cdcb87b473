/**
 * Serves the route table over HTTP the way API Gateway would: each request becomes a
 * payload 2.0 event for the route's own handler module, and anything no route takes goes
 * to the fallback handler, just like the `$default` route in AWS.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { fallbackRoute, matchRoute, routes } from '../functions/routes';
import { readSetting } from '../functions/config';
import { services } from '../functions/services';
import { corsPolicy } from '../lib/cors-policy';
import { fromHandlerResult, localContext, toApiGatewayEvent } from './api-gateway';
import { type CallMetrics, recordCallMetrics, requestMetrics } from './dynamodb-metrics';

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** API Gateway refuses payloads over 10 MB before any function runs. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

const loaded = new Map<string, Promise<LambdaHandler>>();

function loadHandler(module: string): Promise<LambdaHandler> {
  let handler = loaded.get(module);
  if (!handler) {
    handler = import(`../functions/${module}`).then((exports: { handler: LambdaHandler }) => exports.handler);
    loaded.set(module, handler);
  }
  return handler;
}

/**
 * Loads every route's handler module ahead of its first request (as a Lambda has its code
 * loaded before it serves): otherwise the first request of each kind after `npm start`
 * waits for its module to be compiled and loaded. A module that fails to load fails its
 * requests as before.
 */
export async function preloadHandlers(): Promise<string[]> {
  const modules = new Set([...routes.map((route) => route.handler), fallbackRoute.handler]);
  const ready: string[] = [];
  for (const module of modules) {
    const handler = await loadHandler(module).catch(() => undefined);
    if (typeof handler === 'function') ready.push(module);
  }
  return ready;
}

function readBody(request: IncomingMessage): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > GATEWAY_MAX_BODY ? 'tooLarge' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The CORS headers API Gateway adds for an allowed origin. */
function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  if (!origin || !allowed.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': corsPolicy.exposeHeaders.join(','),
    vary: 'Origin',
  };
}

/** With DYNAMODB_METRICS=1, the service's DynamoDB client reports each request's cost (for the benchmark). */
let instrumented = false;
function instrument(): void {
  if (instrumented) return;
  recordCallMetrics(services().dynamoDb);
  instrumented = true;
}

export function createApiServer(): Server {
  const allowedOrigins = readSetting('corsOrigins', process.env);
  const measured = readSetting('dynamoDbMetrics', process.env);
  return createServer(async (request, response) => {
    const cors = corsHeaders(request.headers.origin, allowedOrigins);
    const send = (statusCode: number, headers: Record<string, string | string[]>, body: Buffer | string) => {
      response.writeHead(statusCode, { ...headers, ...cors, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    // A preflight from an allowed origin is answered by the gateway, as API Gateway does.
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] && Object.keys(cors).length > 0) {
      return send(
        204,
        {
          'access-control-allow-methods': corsPolicy.allowMethods.join(','),
          'access-control-allow-headers': corsPolicy.allowHeaders.join(','),
          'access-control-max-age': String(corsPolicy.maxAgeSeconds),
        },
        '',
      );
    }
    try {
      const body = await readBody(request);
      if (body === 'tooLarge') {
        return send(413, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Request Entity Too Large' }));
      }
      const method = request.method ?? 'GET';
      const url = request.url ?? '/';
      const path = url.split('?')[0] ?? '/';
      const match = matchRoute(method, path);
      const target =
        match.kind === 'route'
          ? {
              module: match.route.handler,
              name: match.route.name,
              routeKey: `${method.toUpperCase()} ${match.route.path}`,
              pathParameters: match.pathParameters,
            }
          : { module: fallbackRoute.handler, name: fallbackRoute.name, routeKey: '$default', pathParameters: {} };
      const event = toApiGatewayEvent(
        { method, url, headers: request.headers, body, sourceIp: request.socket.remoteAddress },
        { routeKey: target.routeKey, pathParameters: target.pathParameters },
        // The API's own domain, as API Gateway would give it: never the client's Host header.
        `localhost:${request.socket.localPort}`,
      );
      const handler = await loadHandler(target.module);
      const metrics: CallMetrics = { calls: 0, depth: 0, readUnits: 0, writeUnits: 0 };
      const invoke = () => handler(event, localContext(target.name));
      if (measured) instrument();
      const result = fromHandlerResult(await (measured ? requestMetrics.run(metrics, invoke) : invoke()));
      if (measured) {
        // What this request cost in DynamoDB, for the benchmark.
        result.headers['x-dynamodb-calls'] = String(metrics.calls);
        result.headers['x-dynamodb-depth'] = String(metrics.depth);
        result.headers['x-dynamodb-read-units'] = String(metrics.readUnits);
        result.headers['x-dynamodb-write-units'] = String(metrics.writeUnits);
      }
      send(result.statusCode, result.headers, result.body);
    } catch (error) {
      // What API Gateway answers when the function itself fails.
      console.error(error);
      send(500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
    }
  });
}
