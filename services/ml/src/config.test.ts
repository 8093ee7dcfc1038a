import { describe, expect, it } from 'vitest';
import { ConfigError, loadMlConfig } from './config';

const secret = 's'.repeat(32);

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadMlConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadMlConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadMlConfig({ ML_HMAC_SECRET: secret })).toEqual({
      port: 3100,
      host: '127.0.0.1',
      hmacSecret: secret,
      bodyLimitBytes: 8 * 1024 * 1024,
      redisUrl: undefined,
      llm: undefined,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadMlConfig({
      ML_HMAC_SECRET: secret,
      ML_PORT: '4100',
      HOST: '0.0.0.0',
      ML_BODY_LIMIT_BYTES: '1024',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      LLM_BASE_URL: 'https://llm.example/v1',
      LLM_API_KEY: 'key',
      LLM_MODEL: 'coach',
      LLM_TIMEOUT_MS: '2500',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 4100,
      host: '0.0.0.0',
      bodyLimitBytes: 1024,
      redisUrl: 'redis://127.0.0.1:6379/2',
      logLevel: 'warn',
    });
    expect(config.llm).toEqual({
      baseUrl: 'https://llm.example/v1',
      apiKey: 'key',
      model: 'coach',
      timeoutMs: 2500,
    });
  });

  it('names a missing or short secret', () => {
    expect(configError({}).variables).toEqual(['ML_HMAC_SECRET']);
    expect(configError({ ML_HMAC_SECRET: '' }).variables).toEqual(['ML_HMAC_SECRET']);
    expect(configError({ ML_HMAC_SECRET: 'short' }).message).toMatch(
      /ML_HMAC_SECRET: must be at least 32 characters/,
    );
  });

  it('names every other bad variable', () => {
    const error = configError({
      ML_HMAC_SECRET: secret,
      ML_PORT: '70000',
      ML_BODY_LIMIT_BYTES: '-1',
      REDIS_URL: 'http://not-redis',
      LLM_BASE_URL: 'https://llm.example/v1',
      LOG_LEVEL: 'loud',
    });
    expect(error.variables.sort()).toEqual([
      'LLM_MODEL',
      'LOG_LEVEL',
      'ML_BODY_LIMIT_BYTES',
      'ML_PORT',
      'REDIS_URL',
    ]);
  });
});
