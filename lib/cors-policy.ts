/**
 * Cross-origin access, explicit and configurable: none unless origins are named (in
 * `CORS_ORIGINS`, comma-separated, or the stack's `corsOrigins`). Credentials are allowed
 * (browsers send the session cookie), so origins are always listed, never `*`. API
 * Gateway applies this in AWS; the local server applies the same policy.
 */
export const corsPolicy = {
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders: ['content-type', 'authorization', 'x-csrftoken', 'idempotency-key'],
  exposeHeaders: ['retry-after'],
  maxAgeSeconds: 600,
} as const;
