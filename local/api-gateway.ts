/**
 * What API Gateway's HTTP API does around a Lambda, for the local server and the tests:
 * builds the payload 2.0 event from a request, and turns a handler's result into the
 * status, headers, cookies and body of the response.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export interface IncomingRequest {
  method: string;
  /** Path and query string, as sent: `/api/x/?a=1`. */
  url: string;
  /** Header names in any case; repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  sourceIp?: string;
}

export interface RouteTarget {
  routeKey: string;
  pathParameters?: Record<string, string>;
}

/** Body types API Gateway passes as text; everything else arrives base64-encoded. */
function isTextual(contentType: string): boolean {
  return /^(text\/|application\/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript))/i.test(contentType);
}

export function toApiGatewayEvent(request: IncomingRequest, target: RouteTarget, domainName = 'localhost'): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = request.url.split(/\?(.*)/s, 2);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const values = Array.isArray(value) ? value : [value];
    if (lower === 'cookie') {
      cookies = values
        .flatMap((line) => line.split(';'))
        .map((part) => part.trim())
        .filter(Boolean);
      continue;
    }
    headers[lower] = values.join(',');
  }

  const query = new URLSearchParams(rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');

  const body = request.body && request.body.length > 0 ? request.body : undefined;
  const textual = body !== undefined && isTextual(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: target.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    ...(target.pathParameters && Object.keys(target.pathParameters).length > 0 ? { pathParameters: target.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: target.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body !== undefined && !textual,
  };
}

export interface OutgoingResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** The response API Gateway makes of a handler's structured result. */
export function fromHandlerResult(result: unknown): OutgoingResponse {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    // API Gateway treats anything else as a JSON body with status 200.
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(result ?? null)) };
  }
  const structured = result as {
    statusCode: number;
    headers?: Record<string, unknown>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies && structured.cookies.length > 0) headers['set-cookie'] = structured.cookies;
  const body = Buffer.from(structured.body ?? '', structured.isBase64Encoded ? 'base64' : 'utf8');
  return { statusCode: structured.statusCode, headers, body };
}

/**
 * A Lambda context good enough for handlers run outside Lambda. `timeoutMs` is the
 * function's timeout: the stack gives every API function 10 seconds.
 */
export function localContext(functionName: string, timeoutMs = 10_000): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
