export { createAdapters, type Adapters, type AdaptersConfig } from './create-adapters';
export type {
  ApiKeyCredentials,
  BinanceSyncState,
  BrokerAdapter,
  CoinbaseSyncState,
  CredentialProvider,
  FetchCandlesInput,
  FetchFillsInput,
  FillPage,
  OAuthAdapter,
  OAuthTokens,
  SyncState,
} from './types';
export { BrokerErrors, CsvErrors, MarketDataErrors } from './errors';
export type {
  AdapterEvent,
  AdapterEventListener,
  AdapterLogger,
  BreakerState,
  Clock,
  HttpClientOptions,
  Sleep,
} from './http/http.types';
export { redactUrl, scrubSecrets } from './http/redact';
export { createPkcePair, createState, pkceChallenge, type PkcePair } from './oauth/pkce';
export { withFreshToken, type OAuthTokenStore, type WithFreshTokenOptions } from './oauth/with-fresh-token';
export { COINBASE_DEFAULT_SCOPES } from './coinbase/coinbase-oauth';
export type { CoinbaseAdapter, CoinbaseAdapterConfig } from './coinbase/coinbase.adapter';
export type { BinanceAdapter } from './binance/binance.adapter';
export { parseTradeCsv, CSV_FORMATS, type ParsedTradeCsv } from './csv/parse-trade-csv';
export { fillFingerprint } from './csv/csv-fill';
export { SyncStateSchema } from './sync-state';
export { createTwelveDataSource, TWELVE_DATA_MAX_BARS } from './vendor/twelvedata.source';
export type {
  FetchHourlyInput,
  TwelveDataSourceOptions,
  VendorBudget,
  VendorCandleSource,
} from './vendor/vendor.types';
