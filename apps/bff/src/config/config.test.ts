import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('chooses every embedded driver when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000, metricsPort: 9464 });
    expect(config.database.driver).toBe('pglite');
    expect(config.redisUrl).toBeUndefined();
    expect(config.ml.mode).toBe('in-process');
    expect(config.blobs.driver).toBe('files');
    expect(config.keys.driver).toBe('file');
    expect(config.brokers.sandbox).toBe(true);
    expect(config.brokers.coinbase.apiBaseUrl).toBe('http://127.0.0.1:3000/sandbox');
    expect(config.marketVendor).toMatchObject({
      name: 'twelvedata',
      baseUrl: 'http://127.0.0.1:3000/sandbox/vendor/twelvedata',
      requestsPerMinute: 8,
    });
  });

  it('switches to the scaled drivers by their variables', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ML_URL: 'http://127.0.0.1:3100',
      ML_HMAC_SECRET: 'x'.repeat(32),
      COINBASE_CLIENT_ID: 'real-client',
      COINBASE_CLIENT_SECRET: 'real-secret',
    });
    expect(config.database).toEqual({ driver: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.ml).toMatchObject({ mode: 'http', url: 'http://127.0.0.1:3100' });
    expect(config.brokers.sandbox).toBe(false);
    expect(config.brokers.coinbase.apiBaseUrl).toBe('https://api.coinbase.com');
    expect(config.marketVendor).toBeUndefined();
  });

  it('switches the market-data vendor on by its flag, with its key', () => {
    const config = loadConfig({
      COINBASE_CLIENT_ID: 'real-client',
      MARKET_VENDOR: 'twelvedata',
      MARKET_VENDOR_API_KEY: 'vendor-key',
      MARKET_VENDOR_REQUESTS_PER_MINUTE: '55',
    });
    expect(config.marketVendor).toEqual({
      name: 'twelvedata',
      baseUrl: 'https://api.twelvedata.com',
      apiKey: 'vendor-key',
      requestsPerMinute: 55,
    });
    expect(loadConfig({ MARKET_VENDOR: 'off' }).marketVendor).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ ML_URL: 'http://127.0.0.1:3100' }, 'ML_HMAC_SECRET'],
    [{ BINANCE_ENABLED: 'maybe' }, 'BINANCE_ENABLED'],
    [{ MARKET_VENDOR: 'coinapi' }, 'MARKET_VENDOR'],
    [{ COINBASE_CLIENT_ID: 'real', MARKET_VENDOR: 'twelvedata' }, 'MARKET_VENDOR_API_KEY'],
    [{ MARKET_VENDOR_REQUESTS_PER_MINUTE: '0' }, 'MARKET_VENDOR_REQUESTS_PER_MINUTE'],
  ])('rejects %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(variable));
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', REDIS_URL: '', ML_URL: '' });
    expect(config.database.driver).toBe('pglite');
    expect(config.redisUrl).toBeUndefined();
  });
});
