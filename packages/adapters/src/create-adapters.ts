import type { BrokerId } from '@tt/shared';
import { type BinanceAdapter, createBinanceAdapter } from './binance/binance.adapter';
import {
  type CoinbaseAdapter,
  type CoinbaseAdapterConfig,
  createCoinbaseAdapter,
} from './coinbase/coinbase.adapter';
import { BrokerErrors } from './errors';
import { BrokerHttp } from './http/broker-http';
import type { AdapterEventListener, AdapterLogger, BreakerState, HttpClientOptions } from './http/http.types';

export interface AdaptersConfig {
  /** COINBASE_API_BASE_URL, COINBASE_OAUTH_AUTHORIZE_URL, COINBASE_OAUTH_TOKEN_URL, COINBASE_CLIENT_ID/SECRET. */
  coinbase: CoinbaseAdapterConfig;
  binance: {
    /** BINANCE_API_BASE_URL (`https://api.binance.com`). */
    apiBaseUrl: string;
    /** BINANCE_ENABLED: without it `adapters.binance` is undefined and `get('binance')` throws BROKER.DISABLED. */
    enabled: boolean;
    /** `recvWindow` for signed calls. Default 5000 ms. */
    recvWindowMs?: number;
  };
  /** Timeouts, retries, breaker, and the injectable fetch/clock/sleep/random. */
  http?: HttpClientOptions;
  logger?: AdapterLogger;
  /** Metrics hook: requests, retries, breaker changes, throttling, errors by code. */
  onEvent?: AdapterEventListener;
}

export interface Adapters {
  coinbase: CoinbaseAdapter;
  binance: BinanceAdapter | undefined;
  /** The adapter for `id`; throws BROKER.DISABLED for a broker that is switched off. */
  get(id: BrokerId): CoinbaseAdapter | BinanceAdapter;
  /** Circuit state per broker, for /readyz and dashboards. */
  breakerStates(): Record<BrokerId, BreakerState>;
}

/**
 * Builds both adapters with one HTTP client (and so one circuit breaker) per broker. Create it
 * once per process: the breaker, Binance's clock offset, weight budget and market cache live in it.
 */
export function createAdapters(config: AdaptersConfig): Adapters {
  const httpOptions = config.http ?? {};
  const coinbaseHttp = new BrokerHttp('coinbase', httpOptions, config.logger, config.onEvent);
  const binanceHttp = new BrokerHttp('binance', httpOptions, config.logger, config.onEvent);
  const coinbase = createCoinbaseAdapter(config.coinbase, coinbaseHttp);
  const binance = config.binance.enabled
    ? createBinanceAdapter(
        {
          apiBaseUrl: config.binance.apiBaseUrl,
          ...(config.binance.recvWindowMs ? { recvWindowMs: config.binance.recvWindowMs } : {}),
        },
        binanceHttp,
        config.onEvent,
      )
    : undefined;
  return {
    coinbase,
    binance,
    get(id) {
      if (id === 'coinbase') return coinbase;
      if (binance) return binance;
      throw BrokerErrors.DISABLED({ detail: 'Binance is not enabled on this server.' });
    },
    breakerStates: () => ({ coinbase: coinbaseHttp.breakerState, binance: binanceHttp.breakerState }),
  };
}
