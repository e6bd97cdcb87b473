import { randomBytes } from 'node:crypto';

// Settings every test worker runs with. DYNAMODB_ENDPOINT and TABLE_NAME come from the
// global setup; cheap bcrypt keeps the many sign-ups of the suite fast.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.TABLE_NAME ??= 'calendar-test';
process.env.BCRYPT_ROUNDS ??= '4';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// The whole suite signs up and logs in from 127.0.0.1: the per-IP guards are tested
// on their own, with other addresses, in brute-force.test.ts.
process.env.LOGIN_ATTEMPTS_PER_IP ??= '1000000';
process.env.SIGNUPS_PER_IP ??= '1000000';
// Up to 100 live tokens per user, so that logout can be tested beyond one transaction;
// the cap itself is tested in token-lifetime.test.ts.
process.env.TOKENS_PER_USER ??= '100';
// Tokens live ten years here: many tests pin the service clock years ahead of the sign-in.
// Their lifetime is tested in token-lifetime.test.ts.
process.env.TOKEN_TTL_SECONDS ??= '315360000';
// Likewise the invitation budget, tested on its own in invitation-budget.test.ts.
process.env.MEETINGS_PER_HOUR ??= '1000000';
process.env.GUEST_INVITES_PER_HOUR ??= '1000000';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// No CloudWatch here: metrics stay quiet, as under `npm start`.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Many tests fire dozens of requests at once in one process; the bound itself is tested in deadline.test.ts.
process.env.DYNAMODB_MAX_IN_FLIGHT ??= '1000';
// Webhooks reach receivers on this machine (over plain http too), as under `npm start`, on a
// schedule a thousand times shorter (5 s becomes 5 ms).
process.env.WEBHOOK_ALLOW_LOOPBACK ??= '1';
process.env.WEBHOOK_RETRY_SCALE ??= '0.001';
// Webhook secrets are sealed under a key of this run (KMS in AWS).
process.env.WEBHOOK_SECRET_KEY ??= randomBytes(32).toString('base64');
// Listing cursors are sealed under a key of this run (the stack's secret in AWS).
process.env.CURSOR_KEYS ??= randomBytes(32).toString('base64url');
