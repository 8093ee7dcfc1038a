import { resolve } from 'node:path';
import { EnvSchema, type Env } from './config.schema';

export interface AppConfig {
  env: Env;
  http: { host: string; port: number; metricsPort: number; publicOrigin: string };
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  database: { driver: 'postgres'; url: string } | { driver: 'pglite'; dataDir: string | null };
  redisUrl: string | undefined;
  redisPrefix: string;
  jobLeaseMs: number;
  rateLimitPerMinute: number;
  ml: { mode: 'http'; url: string; hmacSecret: string; bodyLimitBytes: number } | { mode: 'in-process' };
  blobs:
    | {
        driver: 's3';
        endpoint: string;
        bucket: string;
        region: string;
        accessKeyId?: string;
        secretAccessKey?: string;
      }
    | { driver: 'files'; dir: string };
  keys: { driver: 'env'; spec: string } | { driver: 'file'; dir: string };
  llm: { baseUrl: string; apiKey: string | undefined; model: string } | undefined;
  brokers: {
    /** Mount the sandbox under /sandbox and point the adapters at it. */
    sandbox: boolean;
    coinbase: {
      clientId: string;
      clientSecret: string;
      apiBaseUrl: string;
      authorizeUrl: string;
      tokenUrl: string;
      revokeUrl: string;
    };
    binance: { enabled: boolean; apiBaseUrl: string };
  };
  /** The market-data vendor, when one is switched on. */
  marketVendor:
    { name: 'twelvedata'; baseUrl: string; apiKey: string; requestsPerMinute: number } | undefined;
  hibpEnabled: boolean;
  syncIntervalMinutes: number;
  otlpEndpoint: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once into a typed, nested config; a bad value names the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.ML_URL && !env.ML_HMAC_SECRET) problems.push('ML_HMAC_SECRET: required when ML_URL is set');
  if (env.S3_ENDPOINT && !env.S3_BUCKET) problems.push('S3_BUCKET: required when S3_ENDPOINT is set');

  const dataDir = resolve(env.DATA_DIR);
  const publicOrigin = env.PUBLIC_ORIGIN ?? `http://${env.HOST}:${env.PORT}`;
  // Without real Coinbase credentials the bundled sandbox stands in, so a new user can try everything.
  const sandbox = env.BROKER_SANDBOX ?? !env.COINBASE_CLIENT_ID;
  const sandboxBase = `${publicOrigin.replace(/\/$/, '')}/sandbox`;
  // The sandbox also imitates the vendor; a real vendor needs its key.
  const vendorOnSandbox = sandbox && !source.MARKET_VENDOR_BASE_URL;
  const vendor = env.MARKET_VENDOR ?? (vendorOnSandbox ? 'twelvedata' : 'off');
  const vendorKey = env.MARKET_VENDOR_API_KEY ?? (vendorOnSandbox ? 'sandbox-vendor-key' : undefined);
  if (vendor !== 'off' && !vendorKey) {
    problems.push('MARKET_VENDOR_API_KEY: required when MARKET_VENDOR is set');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env,
    http: { host: env.HOST, port: env.PORT, metricsPort: env.METRICS_PORT, publicOrigin },
    dataDir,
    logLevel: env.LOG_LEVEL,
    database: env.DATABASE_URL
      ? { driver: 'postgres', url: env.DATABASE_URL }
      : { driver: 'pglite', dataDir: resolve(dataDir, 'pg') },
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    jobLeaseMs: env.JOB_LEASE_MS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    ml: env.ML_URL
      ? {
          mode: 'http',
          url: env.ML_URL,
          hmacSecret: env.ML_HMAC_SECRET!,
          bodyLimitBytes: env.ML_BODY_LIMIT_BYTES,
        }
      : { mode: 'in-process' },
    blobs: env.S3_ENDPOINT
      ? {
          driver: 's3',
          endpoint: env.S3_ENDPOINT,
          bucket: env.S3_BUCKET!,
          region: env.S3_REGION,
          ...(env.S3_ACCESS_KEY_ID ? { accessKeyId: env.S3_ACCESS_KEY_ID } : {}),
          ...(env.S3_SECRET_ACCESS_KEY ? { secretAccessKey: env.S3_SECRET_ACCESS_KEY } : {}),
        }
      : { driver: 'files', dir: resolve(dataDir, 'blobs') },
    keys: env.APP_ENCRYPTION_KEYS
      ? { driver: 'env', spec: env.APP_ENCRYPTION_KEYS }
      : { driver: 'file', dir: resolve(dataDir, 'keys') },
    llm: env.LLM_BASE_URL
      ? { baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY, model: env.LLM_MODEL }
      : undefined,
    brokers: {
      sandbox,
      coinbase:
        sandbox && !env.COINBASE_CLIENT_ID
          ? {
              clientId: 'trading-twin-sandbox',
              clientSecret: 'sandbox-client-secret',
              apiBaseUrl: sandboxBase,
              authorizeUrl: `${sandboxBase}/oauth/authorize`,
              tokenUrl: `${sandboxBase}/oauth/token`,
              revokeUrl: `${sandboxBase}/oauth/revoke`,
            }
          : {
              clientId: env.COINBASE_CLIENT_ID ?? '',
              clientSecret: env.COINBASE_CLIENT_SECRET ?? '',
              apiBaseUrl: env.COINBASE_API_BASE_URL,
              authorizeUrl: env.COINBASE_OAUTH_AUTHORIZE_URL,
              tokenUrl: env.COINBASE_OAUTH_TOKEN_URL,
              revokeUrl: env.COINBASE_OAUTH_REVOKE_URL,
            },
      binance: {
        enabled: env.BINANCE_ENABLED ?? sandbox,
        apiBaseUrl:
          sandbox && !env.COINBASE_CLIENT_ID && !source.BINANCE_API_BASE_URL
            ? sandboxBase
            : env.BINANCE_API_BASE_URL,
      },
    },
    marketVendor:
      vendor === 'off'
        ? undefined
        : {
            name: vendor,
            baseUrl: vendorOnSandbox ? `${sandboxBase}/vendor/twelvedata` : env.MARKET_VENDOR_BASE_URL,
            apiKey: vendorKey!,
            requestsPerMinute: env.MARKET_VENDOR_REQUESTS_PER_MINUTE,
          },
    hibpEnabled: env.HIBP_ENABLED ?? false,
    syncIntervalMinutes: env.SYNC_INTERVAL_MINUTES,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
  };
}
