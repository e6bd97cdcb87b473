import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig, readLocalConfig, readSetting, settings } from '../../functions/config';
import { expectThrow } from './expect-error';

/** Checks that `run` throws config.ts's ConfigError (a private class, known by its name) with exactly `message`. */
function expectConfigError(run: () => unknown, message: string) {
  expect(expectThrow(run, Error, message).name).toBe('ConfigError');
}

const minimal = { TABLE_NAME: 'calendar' };

describe('the configuration schema', () => {
  it('gives every documented default when only the table is named', () => {
    expect(readConfig(minimal)).toEqual({
      tableName: 'calendar',
      dynamoDbEndpoint: undefined,
      timeZone: 'UTC',
      bcryptRounds: 10,
      sessionTtlSeconds: 1_209_600,
      tokens: { ttlSeconds: 2_592_000, perUser: 10 },
      attemptLimits: { loginsPerUsername: 10, loginsPerIp: 100, signUpsPerIp: 20 },
      invitationLimits: { meetingsPerHour: 100, guestsPerHour: 500 },
      corsOrigins: [],
      dynamoDbMetrics: false,
      dynamoDbMaxInFlight: 64,
      cursorKeys: [],
      webhooks: { policy: { allowHttp: false, allowLoopback: false }, retryScale: 1, secretKeyId: '', secretKey: undefined },
    });
  });

  it('reads every setting that is given', () => {
    const config = readConfig({
      TABLE_NAME: 't',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      TIME_ZONE: 'Asia/Kolkata',
      BCRYPT_ROUNDS: '4',
      SESSION_TTL_SECONDS: '60',
      TOKEN_TTL_SECONDS: '120',
      TOKENS_PER_USER: '2',
      LOGIN_ATTEMPTS_PER_USERNAME: '3',
      LOGIN_ATTEMPTS_PER_IP: '7',
      SIGNUPS_PER_IP: '9',
      MEETINGS_PER_HOUR: '5',
      GUEST_INVITES_PER_HOUR: '6',
      CORS_ORIGINS: ' https://a.example , https://b.example,',
      DYNAMODB_METRICS: '1',
      DYNAMODB_MAX_IN_FLIGHT: '10',
      WEBHOOK_ALLOW_HTTP: '1',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      WEBHOOK_RETRY_SCALE: '0.001',
      WEBHOOK_SECRET_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/k',
      WEBHOOK_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      CURSOR_KEYS: ' new-secret , old-secret,',
    });
    expect(config).toEqual({
      tableName: 't',
      dynamoDbEndpoint: 'http://127.0.0.1:8000',
      timeZone: 'Asia/Kolkata',
      bcryptRounds: 4,
      sessionTtlSeconds: 60,
      tokens: { ttlSeconds: 120, perUser: 2 },
      attemptLimits: { loginsPerUsername: 3, loginsPerIp: 7, signUpsPerIp: 9 },
      invitationLimits: { meetingsPerHour: 5, guestsPerHour: 6 },
      corsOrigins: ['https://a.example', 'https://b.example'],
      dynamoDbMetrics: true,
      dynamoDbMaxInFlight: 10,
      cursorKeys: ['new-secret', 'old-secret'],
      webhooks: {
        policy: { allowHttp: true, allowLoopback: true },
        retryScale: 0.001,
        secretKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
        secretKey: Buffer.alloc(32, 7),
      },
    });
  });

  it('treats an empty value as unset', () => {
    expect(readConfig({ ...minimal, TIME_ZONE: '', BCRYPT_ROUNDS: '' })).toMatchObject({ timeZone: 'UTC', bcryptRounds: 10 });
  });

  it('refuses to start without a table, naming the variable', () => {
    expectConfigError(() => readConfig({}), 'Missing required environment variable TABLE_NAME');
  });

  it.each([
    ['BCRYPT_ROUNDS', '3', 'Environment variable BCRYPT_ROUNDS must be an integer from 4 to 15, got "3"'],
    ['BCRYPT_ROUNDS', '16', 'Environment variable BCRYPT_ROUNDS must be an integer from 4 to 15, got "16"'],
    ['BCRYPT_ROUNDS', '10.5', 'Environment variable BCRYPT_ROUNDS must be an integer from 4 to 15, got "10.5"'],
    ['SESSION_TTL_SECONDS', '1e3', 'Environment variable SESSION_TTL_SECONDS must be an integer from 60 to 31536000, got "1e3"'],
    ['LOGIN_ATTEMPTS_PER_IP', '0', 'Environment variable LOGIN_ATTEMPTS_PER_IP must be an integer from 1 to 1000000, got "0"'],
    ['TIME_ZONE', 'Mars/Olympus', 'Environment variable TIME_ZONE must be an IANA time zone name, got "Mars/Olympus"'],
    ['DYNAMODB_METRICS', 'yes', 'Environment variable DYNAMODB_METRICS must be 1 or 0, got "yes"'],
    ['WEBHOOK_SECRET_KEY', 'c2hvcnQ=', 'Environment variable WEBHOOK_SECRET_KEY must be the base64 of 32 bytes'],
    ['WEBHOOK_RETRY_SCALE', '0', 'Environment variable WEBHOOK_RETRY_SCALE must be a number above 0 and at most 1000, got "0"'],
    ['WEBHOOK_RETRY_SCALE', '-1', 'Environment variable WEBHOOK_RETRY_SCALE must be a number above 0 and at most 1000, got "-1"'],
    [
      'CORS_ORIGINS',
      '*',
      'Environment variable CORS_ORIGINS must list origins as browsers send them, such as https://app.example.com (scheme, lowercase host, port only if not the default; never *), got "*"',
    ],
    [
      'CORS_ORIGINS',
      'https://a.example, https://b.example/',
      'Environment variable CORS_ORIGINS must list origins as browsers send them, such as https://app.example.com (scheme, lowercase host, port only if not the default; never *), got "https://b.example/"',
    ],
    [
      'CORS_ORIGINS',
      'a.example',
      'Environment variable CORS_ORIGINS must list origins as browsers send them, such as https://app.example.com (scheme, lowercase host, port only if not the default; never *), got "a.example"',
    ],
  ])('refuses %s=%s with a message naming it', (variable, value, message) => {
    expectConfigError(() => readConfig({ ...minimal, [variable]: value }), message);
  });

  it('reads the local runtime settings with their defaults', () => {
    expect(readLocalConfig({})).toEqual({ port: 3000, host: '127.0.0.1', dataDir: undefined });
    expect(readLocalConfig({ PORT: '0', HOST: '::1', DATA_DIR: '.data' })).toEqual({ port: 0, host: '::1', dataDir: '.data' });
    expectConfigError(
      () => readLocalConfig({ PORT: '70000' }),
      'Environment variable PORT must be an integer from 0 to 65535, got "70000"',
    );
  });

  it('reads one setting alone, for the stack and tools that need only it', () => {
    expect(readSetting('corsOrigins', { CORS_ORIGINS: 'https://a.example' })).toEqual(['https://a.example']);
    expect(readSetting('corsOrigins', {})).toEqual([]);
  });

  it('documents every setting with a variable and a description', () => {
    const variables = Object.values(settings).map((setting) => setting.variable);
    expect(new Set(variables).size).toBe(variables.length);
    for (const setting of Object.values(settings)) expect(setting.description.length).toBeGreaterThan(10);
  });
});

describe("the README's configuration table", () => {
  it('lists every setting of the schema with its default', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    for (const setting of Object.values(settings)) {
      const row = section.split('\n').find((line) => line.startsWith(`| \`${setting.variable}\` |`));
      expect(row).toBeDefined();
      if (setting.fallback) expect(row).toContain(`\`${setting.fallback}\``);
    }
  });
});
