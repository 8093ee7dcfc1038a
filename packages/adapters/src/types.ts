import type { BrokerId, Candle, RawFill } from '@tt/shared';

/** What an OAuth token grant hands back. */
export interface OAuthTokens {
  accessToken: string;
  /** Single use: each refresh returns a new one that replaces it. */
  refreshToken?: string;
  expiresAt: Date;
  /** Granted scopes as the broker reports them (Coinbase: comma or space separated). */
  scope: string;
}

export interface ApiKeyCredentials {
  apiKey: string;
  apiSecret: string;
}

/**
 * Hands credentials to an adapter call, so that plaintext exists only inside the call: the adapter
 * asks for them right before each request and drops them after.
 */
export interface CredentialProvider<C> {
  get(): Promise<C>;
}

export interface OAuthAdapter {
  /** The consent URL to send the browser to (authorization code flow with PKCE S256). */
  authorizeUrl(params: { state: string; codeChallenge: string; redirectUri: string; scope?: string }): string;
  /** Exchanges a single-use code. Never retried: a code cannot be used twice. */
  exchangeCode(params: { code: string; codeVerifier: string; redirectUri: string }): Promise<OAuthTokens>;
  /** Trades a refresh token for new tokens. Never retried: a refresh token cannot be used twice. */
  refresh(refreshToken: string): Promise<OAuthTokens>;
  /** Revokes a token; succeeds when the token is already unknown. */
  revoke(token: string): Promise<void>;
}

/** Coinbase cursor: the newest fill seen, so that the next import starts there. */
export interface CoinbaseSyncState {
  broker: 'coinbase';
  /** `sequence_timestamp` of the newest fill seen (canonical ISO). */
  newestSequenceTimestamp?: string;
  /** `trade_time` of the newest fill seen (canonical ISO). */
  newestTradeTime?: string;
}

/** Binance cursor: the last trade id stored per exchange symbol (`BTCUSDT` → 12345). */
export interface BinanceSyncState {
  broker: 'binance';
  lastIds: Record<string, number>;
}

/** JSON-serialisable per-broker cursor; store it with the connection. */
export type SyncState = CoinbaseSyncState | BinanceSyncState;

/**
 * One page of fills. Persist `syncState` only after the page's fills are stored: it never points
 * past a fill that an earlier page did not deliver.
 */
export interface FillPage {
  fills: RawFill[];
  /** Rows the broker returned that are not spot fills (non-`FILL` trade types, futures, perps). */
  skipped: number;
  syncState: SyncState;
}

export interface FetchFillsInput<C> {
  credentials: CredentialProvider<C>;
  since: Date;
  until: Date;
  syncState?: SyncState;
  /** `BASE-QUOTE` symbols to include (Coinbase: filter; Binance: added to discovered symbols). */
  symbols?: string[];
  /** Stops the walk between requests. */
  signal?: AbortSignal;
}

export interface FetchCandlesInput<C> {
  credentials: CredentialProvider<C>;
  /** `BASE-QUOTE`. */
  symbol: string;
  since: Date;
  until: Date;
}

/** The blueprint's BrokerAdapter (§5) made concrete. */
export interface BrokerAdapter<C = unknown> {
  readonly id: BrokerId;
  readonly auth: 'oauth2' | 'apiKey';
  /** Streams pages (memory stays bounded for 100,000 fills). */
  fetchFills(input: FetchFillsInput<C>): AsyncIterable<FillPage>;
  /** Hourly candles in ascending `ts`, open times within [since, until]; missing hours stay missing. */
  fetchCandles(input: FetchCandlesInput<C>): Promise<Candle[]>;
  /** Proves the credentials cannot trade or withdraw; throws BROKER.KEY_NOT_READ_ONLY otherwise. */
  verifyReadOnly?(credentials: CredentialProvider<C>): Promise<{ scopes: string[] }>;
}
