/**
 * Every setting of the service, in one documented schema, read once at the edge (the
 * composition root, the local runtime, the stack) so that a missing or wrong value fails
 * the cold start with a clear message instead of a request later. Layers below get what
 * they need as arguments; nothing else reads the environment.
 */
import type { AttemptLimits, TokenPolicy } from './domain/auth';
import type { InvitationLimits } from './domain/invitations';
import { isTimeZone } from './domain/time';
import type { UrlPolicy } from './domain/webhook-urls';

export type Environment = Readonly<Record<string, string | undefined>>;

/** One setting: its variable, what it means, its default, and how it is read. */
interface Setting<T> {
  variable: string;
  description: string;
  /** The default as documented; undefined for a required setting. */
  fallback: string | undefined;
  read(raw: string): T;
}

/** A setting that is missing or wrong: its message names the variable and says what it must be. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(min: number, max: number) {
  return (raw: string, variable: string): number => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigError(`Environment variable ${variable} must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };
}

function setting<T>(
  variable: string,
  description: string,
  fallback: string | undefined,
  read: (raw: string, variable: string) => T,
): Setting<T> {
  return { variable, description, fallback, read: (raw) => read(raw, variable) };
}

const text = (raw: string) => raw;
const list = (raw: string) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
const flag = (raw: string, variable: string) => {
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ConfigError(`Environment variable ${variable} must be 1 or 0, got "${raw}"`);
};
/** Origins as browsers send them (`https://app.example.com`, no path): never `*`, since credentials are allowed. */
const origins = (raw: string, variable: string) =>
  list(raw).map((origin) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `Environment variable ${variable} must list origins as browsers send them, such as https://app.example.com (scheme, lowercase host, port only if not the default; never *), got "${origin}"`,
      );
    }
    return origin;
  });
const timeZone = (raw: string, variable: string) => {
  if (!isTimeZone(raw)) throw new ConfigError(`Environment variable ${variable} must be an IANA time zone name, got "${raw}"`);
  return raw;
};

/** The schema: every setting the service and its local runtime read. */
export const settings = {
  tableName: setting('TABLE_NAME', 'the DynamoDB table (set by the stack in AWS; `calendar` under `npm start`)', undefined, text),
  dynamoDbEndpoint: setting('DYNAMODB_ENDPOINT', "use a DynamoDB (Local) at this URL instead of the region's", '', text),
  timeZone: setting(
    'TIME_ZONE',
    "the service's IANA time zone: dates, hours and naive time slots are read and written in it",
    'UTC',
    timeZone,
  ),
  bcryptRounds: setting('BCRYPT_ROUNDS', 'bcrypt cost for new password hashes', '10', integer(4, 15)),
  sessionTtlSeconds: setting('SESSION_TTL_SECONDS', 'lifetime of a login session, in seconds', '1209600', integer(60, 31_536_000)),
  tokenTtlSeconds: setting(
    'TOKEN_TTL_SECONDS',
    'lifetime of an API token without use, in seconds; a use in its second half renews it',
    '2592000',
    integer(60, 315_360_000),
  ),
  tokensPerUser: setting(
    'TOKENS_PER_USER',
    'live API tokens (and sessions) per user; a login beyond it revokes the oldest',
    '10',
    integer(1, 100),
  ),
  loginsPerUsername: setting(
    'LOGIN_ATTEMPTS_PER_USERNAME',
    'failed logins allowed per username in 15 minutes, then 429',
    '10',
    integer(1, 1_000_000),
  ),
  loginsPerIp: setting(
    'LOGIN_ATTEMPTS_PER_IP',
    'failed logins allowed per source address in 15 minutes, then 429',
    '100',
    integer(1, 1_000_000),
  ),
  signUpsPerIp: setting('SIGNUPS_PER_IP', 'sign-ups allowed per source address in an hour, then 429', '20', integer(1, 1_000_000)),
  meetingsPerHour: setting('MEETINGS_PER_HOUR', 'meetings a user may create in an hour, then 429', '100', integer(1, 1_000_000)),
  guestsPerHour: setting(
    'GUEST_INVITES_PER_HOUR',
    'guests a user may add to meetings (booking or changing) in an hour, then 429',
    '500',
    integer(1, 1_000_000),
  ),
  corsOrigins: setting('CORS_ORIGINS', 'comma-separated origins allowed to call the API from browsers (with credentials)', '', origins),
  dynamoDbMaxInFlight: setting(
    'DYNAMODB_MAX_IN_FLIGHT',
    'DynamoDB calls that may wait on the engine at once per process; beyond them a request is shed with 503',
    '64',
    integer(1, 100_000),
  ),
  dynamoDbMetrics: setting(
    'DYNAMODB_METRICS',
    '`1` adds the DynamoDB calls and units of each request to local answers (for the benchmark)',
    '0',
    flag,
  ),
  port: setting('PORT', 'local server port', '3000', integer(0, 65_535)),
  host: setting('HOST', 'local server address', '127.0.0.1', text),
  localAccessKey: setting(
    'DYNAMODB_LOCAL_ACCESS_KEY',
    "the access key naming the local runtime's database in its DynamoDB Local (random per run, or kept in `DATA_DIR/.access-key`)",
    '',
    text,
  ),
  webhookAllowHttp: setting('WEBHOOK_ALLOW_HTTP', '`1` lets webhook URLs use plain http to any host, as well as https', '0', flag),
  webhookAllowLoopback: setting(
    'WEBHOOK_ALLOW_LOOPBACK',
    '`1` lets webhooks reach loopback receivers (127.0.0.0/8, ::1, localhost), over plain http too (`npm start` sets it); every other private range stays refused',
    '0',
    flag,
  ),
  webhookRetryScale: setting(
    'WEBHOOK_RETRY_SCALE',
    'multiplies the webhook retry schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); 0.001 turns 5 s into 5 ms',
    '1',
    (raw, variable) => {
      const value = Number(raw);
      if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(value > 0) || value > 1000) {
        throw new ConfigError(`Environment variable ${variable} must be a number above 0 and at most 1000, got "${raw}"`);
      }
      return value;
    },
  ),
  webhookQueueUrl: setting('WEBHOOK_QUEUE_URL', 'the SQS queue of webhook deliveries (set by the stack)', '', text),
  webhookSecretKeyId: setting(
    'WEBHOOK_SECRET_KEY_ID',
    'the KMS key that seals webhook signing secrets (set by the stack in AWS)',
    '',
    text,
  ),
  webhookSecretKey: setting(
    'WEBHOOK_SECRET_KEY',
    'without a KMS key: the base64 of the 32-byte key that seals webhook signing secrets (`npm start` keeps one in DATA_DIR)',
    '',
    (raw, variable) => {
      if (raw.trim() === '') return '';
      const key = Buffer.from(raw, 'base64');
      if (key.length !== 32 || key.toString('base64') !== raw.trim()) {
        throw new ConfigError(`Environment variable ${variable} must be the base64 of 32 bytes`);
      }
      return raw.trim();
    },
  ),
  cursorKeys: setting(
    'CURSOR_KEYS',
    'secrets, comma-separated, that seal listing cursors: the first seals, every one opens (keep the previous one listed for a while after a rotation); set by the stack in AWS, kept in DATA_DIR by `npm start`',
    '',
    (raw) =>
      raw
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== ''),
  ),
  eventBusName: setting('EVENT_BUS_NAME', 'the EventBridge bus domain events are published on (set by the stack in AWS)', '', text),
  eventsFile: setting(
    'EVENTS_FILE',
    'local runtime: a file to which every domain event published on the in-process bus is appended, one JSON body per line',
    '',
    text,
  ),
  dataDir: setting('DATA_DIR', 'folder where DynamoDB Local keeps its data between runs (in memory when empty)', '', text),
  docsFilesDir: setting(
    'DOCS_FILES_DIR',
    "folder holding Swagger UI's files for the docs page, relative to the working directory (the stack sets it to the copy beside the bundle)",
    'node_modules/swagger-ui-dist',
    text,
  ),
  webFilesDir: setting(
    'WEB_FILES_DIR',
    "folder holding the web calendar's built files (`npm run build:web`), relative to the working directory (the stack sets it to the copy beside the bundle)",
    'web/dist',
    text,
  ),
} as const;

type Settings = typeof settings;
type Values = { [K in keyof Settings]: ReturnType<Settings[K]['read']> };

/** One setting from an environment (its default when unset or empty). */
export function readSetting<K extends keyof Settings>(name: K, env: Environment): Values[K] {
  const entry = settings[name] as Setting<Values[K]>;
  const raw = env[entry.variable];
  const given = raw === undefined || raw === '' ? entry.fallback : raw;
  if (given === undefined) throw new ConfigError(`Missing required environment variable ${entry.variable}`);
  return entry.read(given);
}

function readAll(env: Environment): Values {
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(settings) as (keyof Settings)[]) values[name] = readSetting(name, env);
  return values as Values;
}

export interface Config {
  /** The single DynamoDB table. */
  tableName: string;
  /** Endpoint override, set only when running against DynamoDB Local. */
  dynamoDbEndpoint: string | undefined;
  /** IANA zone in which dates, hours and naive time slots are read and written. @default 'UTC' */
  timeZone: string;
  /** bcrypt cost factor for new password hashes. @default 10 */
  bcryptRounds: number;
  /** Lifetime of a login session in seconds. @default 1209600 (two weeks) */
  sessionTtlSeconds: number;
  /** API tokens. @default 30 days without use, 10 per user */
  tokens: TokenPolicy;
  /** Brute-force guard. @default 10 logins per username and 100 per address in 15 minutes; 20 sign-ups per address an hour */
  attemptLimits: AttemptLimits;
  /** Invitation budget. @default 100 meetings and 500 added guests per user and hour */
  invitationLimits: InvitationLimits;
  /** Origins allowed to call the API from browsers. @default none */
  corsOrigins: string[];
  /** Per-request DynamoDB cost headers on local answers. @default false */
  dynamoDbMetrics: boolean;
  /** DynamoDB calls waiting on the engine at once per process, at most. @default 64 */
  dynamoDbMaxInFlight: number;
  /** The secrets that seal listing cursors: the first seals, every one opens. */
  cursorKeys: string[];
  /** Which webhook URLs are allowed, and the retry schedule's scale. @default https only, no loopback; scale 1 */
  webhooks: { policy: UrlPolicy; retryScale: number; secretKeyId: string; secretKey: Buffer | undefined };
}

/** The service's configuration from an environment; throws a clear message on a wrong value. */
export function readConfig(env: Environment): Config {
  const values = readAll(env);
  return {
    tableName: values.tableName,
    dynamoDbEndpoint: values.dynamoDbEndpoint || undefined,
    timeZone: values.timeZone,
    bcryptRounds: values.bcryptRounds,
    sessionTtlSeconds: values.sessionTtlSeconds,
    tokens: { ttlSeconds: values.tokenTtlSeconds, perUser: values.tokensPerUser },
    attemptLimits: { loginsPerUsername: values.loginsPerUsername, loginsPerIp: values.loginsPerIp, signUpsPerIp: values.signUpsPerIp },
    invitationLimits: { meetingsPerHour: values.meetingsPerHour, guestsPerHour: values.guestsPerHour },
    corsOrigins: values.corsOrigins,
    dynamoDbMetrics: values.dynamoDbMetrics,
    dynamoDbMaxInFlight: values.dynamoDbMaxInFlight,
    cursorKeys: values.cursorKeys,
    webhooks: {
      policy: { allowHttp: values.webhookAllowHttp, allowLoopback: values.webhookAllowLoopback },
      retryScale: values.webhookRetryScale,
      secretKeyId: values.webhookSecretKeyId,
      secretKey: values.webhookSecretKey ? Buffer.from(values.webhookSecretKey, 'base64') : undefined,
    },
  };
}

/** Settings of the local runtime (`npm start`) beside the service's. */
export interface LocalConfig {
  port: number;
  host: string;
  /** Where DynamoDB Local keeps its data; undefined: in memory. */
  dataDir: string | undefined;
}

export function readLocalConfig(env: Environment): LocalConfig {
  return { port: readSetting('port', env), host: readSetting('host', env), dataDir: readSetting('dataDir', env) || undefined };
}

let cached: Config | undefined;

/** The configuration of this process, read on first use and then kept for the container's life. */
export function config(): Config {
  cached ??= readConfig(process.env);
  return cached;
}
