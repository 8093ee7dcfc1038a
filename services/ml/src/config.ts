import { z } from 'zod';
import { DEFAULT_BODY_LIMIT_BYTES, MIN_HMAC_SECRET_LENGTH } from './http/ml.app';
import { DEFAULT_LLM_TIMEOUT_MS, type LlmOptions } from './reflect/reflect.llm';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const EnvSchema = z.object({
  /** Port of the standalone service. Default 3100; 0 picks a free one. */
  ML_PORT: z.coerce.number().int().min(0).max(65_535).default(3100),
  /** Interface to listen on. Default 127.0.0.1. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Shared with the BFF; required, at least 32 characters. */
  ML_HMAC_SECRET: z
    .string({ error: 'is required' })
    .min(MIN_HMAC_SECRET_LENGTH, `must be at least ${MIN_HMAC_SECRET_LENGTH} characters`),
  /** Default 8 MiB. */
  ML_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(DEFAULT_BODY_LIMIT_BYTES),
  /** Nonces go to Redis when set (several instances), to memory otherwise. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** OpenAI-compatible API base (`…/v1`); the offline coach answers when unset. */
  LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  LLM_API_KEY: z.string().optional(),
  /** Required with LLM_BASE_URL. */
  LLM_MODEL: z.string().optional(),
  /** Per attempt. Default 5000. */
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_LLM_TIMEOUT_MS),
  /** Default info. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** OTLP/HTTP collector base URL; traces are exported only when it is set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
});

export interface MlConfig {
  port: number;
  host: string;
  hmacSecret: string;
  bodyLimitBytes: number;
  redisUrl: string | undefined;
  llm: LlmOptions | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  otlpEndpoint: string | undefined;
}

/** A start-up configuration problem; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly variables: string[],
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once at start-up; empty variables count as unset. */
export function loadMlConfig(env: Record<string, string | undefined>): MlConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message }));
  if (present.LLM_BASE_URL && !present.LLM_MODEL) {
    issues.push({ variable: 'LLM_MODEL', message: 'is required when LLM_BASE_URL is set' });
  }
  if (!parsed.success || issues.length > 0) {
    const lines = issues.map((issue) => `${issue.variable}: ${issue.message}`);
    throw new ConfigError(
      issues.map((issue) => issue.variable),
      `Invalid ML service environment:\n  ${lines.join('\n  ')}`,
    );
  }
  const e = parsed.data;
  return {
    port: e.ML_PORT,
    host: e.HOST,
    hmacSecret: e.ML_HMAC_SECRET,
    bodyLimitBytes: e.ML_BODY_LIMIT_BYTES,
    redisUrl: e.REDIS_URL,
    llm: e.LLM_BASE_URL
      ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL!, timeoutMs: e.LLM_TIMEOUT_MS }
      : undefined,
    logLevel: e.LOG_LEVEL,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
  };
}
