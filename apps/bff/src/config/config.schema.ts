import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .transform((v) => v === '1' || v === 'true')
  .optional();
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const url = z.url({ protocol: /^https?$/ });
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));
const optionalUrl = z
  .union([z.literal(''), url])
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** Every environment variable the processes read (DESIGN.md §3, §5, §5a). Nothing set means embedded mode. */
export const EnvSchema = z.object({
  /** HTTP port of the BFF (default 3000). */
  PORT: port(3000),
  /** Interface every listener binds to (default 127.0.0.1). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where embedded data lives: PGlite files, blobs, generated keys (default `.data`). */
  DATA_DIR: z.string().min(1).default('.data'),
  /** The origin browsers use; checked on mutating requests and WebSocket upgrades, used for OAuth redirects. */
  PUBLIC_ORIGIN: optionalUrl,
  /** Keys the HMACs of IPs and user agents; generated into DATA_DIR when unset. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prometheus listener port (default 9464). */
  METRICS_PORT: port(9464),

  /** PostgreSQL connection string; PGlite under DATA_DIR when unset. */
  DATABASE_URL: z
    .union([z.literal(''), z.url({ protocol: /^postgres(ql)?$/ })])
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  /** Redis for jobs (BullMQ), cache, rate limits and pub/sub; in-process drivers when unset. */
  REDIS_URL: z
    .union([z.literal(''), z.url({ protocol: /^rediss?$/ })])
    .optional()
    .transform((v) => (v === '' ? undefined : v)),

  /** Namespace of every Redis key (queues, cache, rate limits, pub/sub), so deployments can share a Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only')
    .default('tt'),

  /**
   * How long a worker holds a job before others may take it over (default 30 s): after a crash,
   * its jobs run again within about this long.
   */
  JOB_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),

  /** Requests a minute per signed-in user (or anonymous IP) on routes without their own limit (default 600). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),

  /** The ML service; called in-process when unset. */
  ML_URL: optionalUrl,
  ML_HMAC_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ML_PORT: port(3100),
  ML_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024),

  S3_ENDPOINT: optionalUrl,
  S3_BUCKET: optionalString,
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,

  /** `kid1:base64key,kid2:base64key` (32-byte keys); the last one encrypts, all decrypt. */
  APP_ENCRYPTION_KEYS: optionalString,

  LLM_BASE_URL: optionalUrl,
  LLM_API_KEY: optionalString,
  LLM_MODEL: z.string().default('gpt-4o-mini'),

  BROKER_SANDBOX: flag,
  COINBASE_CLIENT_ID: optionalString,
  COINBASE_CLIENT_SECRET: optionalString,
  COINBASE_API_BASE_URL: url.default('https://api.coinbase.com'),
  COINBASE_OAUTH_AUTHORIZE_URL: url.default('https://login.coinbase.com/oauth2/auth'),
  COINBASE_OAUTH_TOKEN_URL: url.default('https://login.coinbase.com/oauth2/token'),
  COINBASE_OAUTH_REVOKE_URL: url.default('https://login.coinbase.com/oauth2/revoke'),
  BINANCE_ENABLED: flag,
  BINANCE_API_BASE_URL: url.default('https://api.binance.com'),

  /**
   * Hourly candles from a market-data vendor for series the broker does not serve (a symbol it
   * does not list, a CSV import without a connection). On by default only with the bundled sandbox.
   */
  MARKET_VENDOR: z.enum(['off', 'twelvedata']).optional(),
  MARKET_VENDOR_BASE_URL: url.default('https://api.twelvedata.com'),
  MARKET_VENDOR_API_KEY: optionalString,
  /** The vendor plan's calls per minute (Twelve Data's free plan: 8); calls beyond it wait. */
  MARKET_VENDOR_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(8),

  HIBP_ENABLED: flag,
  SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(15),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
});

export type Env = z.infer<typeof EnvSchema>;
