/**
 * Settings of a running function, read once when the module loads so that a missing or
 * wrong value fails the cold start with a clear message instead of a request later.
 */
import type { AttemptLimits } from './domain/auth';
import { isTimeZone } from './domain/time';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Environment variable ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function timeZone(): string {
  const zone = process.env.TIME_ZONE || 'UTC';
  if (!isTimeZone(zone)) {
    throw new Error(`Environment variable TIME_ZONE must be an IANA time zone name, got "${zone}"`);
  }
  return zone;
}

export interface Config {
  /** The single DynamoDB table. */
  tableName: string;
  /** Endpoint override, set only when running against DynamoDB Local. */
  dynamoDbEndpoint: string | undefined;
  /** IANA zone in which dates, hours and naive time slots are read and written. */
  timeZone: string;
  /** bcrypt cost factor for new password hashes. @default 10 */
  bcryptRounds: number;
  /** Lifetime of a login session in seconds. @default 1209600 (two weeks) */
  sessionTtlSeconds: number;
  /**
   * Brute-force guard: failed logins per username (@default 10) and per source IP
   * (@default 100) in 15 minutes; sign-ups per source IP in an hour (@default 20).
   */
  attemptLimits: AttemptLimits;
}

let cached: Config | undefined;

/** The configuration, validated on first use and then kept for the container's life. */
export function config(): Config {
  cached ??= {
    tableName: required('TABLE_NAME'),
    dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    timeZone: timeZone(),
    bcryptRounds: integer('BCRYPT_ROUNDS', 10, 4, 15),
    sessionTtlSeconds: integer('SESSION_TTL_SECONDS', 1_209_600, 60, 31_536_000),
    attemptLimits: {
      loginsPerUsername: integer('LOGIN_ATTEMPTS_PER_USERNAME', 10, 1, 1_000_000),
      loginsPerIp: integer('LOGIN_ATTEMPTS_PER_IP', 100, 1, 1_000_000),
      signUpsPerIp: integer('SIGNUPS_PER_IP', 20, 1, 1_000_000),
    },
  };
  return cached;
}
