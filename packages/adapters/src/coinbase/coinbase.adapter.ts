import type { AppError } from '@tt/shared';
import { BrokerErrors } from '../errors';
import type { BrokerHttp, BrokerResponseError } from '../http/broker-http';
import { withMappedFailures } from '../http/map-failure';
import type { BrokerAdapter, CredentialProvider, OAuthAdapter, OAuthTokens } from '../types';
import { fetchCoinbaseCandles } from './coinbase-candles';
import { walkCoinbaseFills } from './coinbase-fills';
import { type CoinbaseOAuthConfig, createCoinbaseOAuth } from './coinbase-oauth';

export interface CoinbaseAdapterConfig extends CoinbaseOAuthConfig {
  /** `https://api.coinbase.com` for the real exchange. */
  apiBaseUrl: string;
  /** `limit` for List Fills. Default 1000. */
  fillsPageSize?: number;
}

export interface CoinbaseAdapter extends BrokerAdapter<OAuthTokens> {
  readonly id: 'coinbase';
  readonly auth: 'oauth2';
  readonly oauth: OAuthAdapter;
  verifyReadOnly(credentials: CredentialProvider<OAuthTokens>): Promise<{ scopes: string[] }>;
}

/** Scopes that let an app act rather than look (`wallet:buys:create`, `wallet:transactions:send`, …). */
const WRITE_SCOPE = /:(create|send|request|transfer|update|delete|refund|limits)$/;

export function createCoinbaseAdapter(config: CoinbaseAdapterConfig, http: BrokerHttp): CoinbaseAdapter {
  const getJson = (operation: string, url: URL, token: string) =>
    withMappedFailures(
      http,
      operation,
      async () =>
        (
          await http.send({
            operation,
            prepare: () => ({
              url: url.toString(),
              headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
              secrets: [token],
            }),
          })
        ).body,
      mapCoinbaseApiFailure,
    );
  const ctx = { http, apiBaseUrl: config.apiBaseUrl, pageSize: config.fillsPageSize ?? 1000, getJson };

  return {
    id: 'coinbase',
    auth: 'oauth2',
    oauth: createCoinbaseOAuth(config, http),
    fetchFills: (input) => walkCoinbaseFills(ctx, input),
    fetchCandles: (input) => fetchCoinbaseCandles(ctx, input),
    async verifyReadOnly(credentials) {
      const scopes = (await credentials.get()).scope.split(/[\s,]+/).filter(Boolean);
      const writable = scopes.filter((s) => WRITE_SCOPE.test(s));
      if (writable.length > 0) {
        throw BrokerErrors.KEY_NOT_READ_ONLY({
          detail: `This Coinbase connection was granted ${writable.join(', ')}. We only need read access: connect again and allow read scopes only.`,
        });
      }
      return { scopes };
    },
  };
}

function mapCoinbaseApiFailure(error: BrokerResponseError): AppError {
  switch (error.status) {
    case 401:
      return BrokerErrors.TOKEN_EXPIRED({
        detail: 'The Coinbase session expired; it will be renewed automatically.',
      });
    case 403:
      return BrokerErrors.PERMISSION_DENIED({
        detail: 'Coinbase did not allow reading your trades. Connect Coinbase again and allow read access.',
      });
    case 404:
      return BrokerErrors.UNKNOWN_SYMBOL({ detail: 'Coinbase does not list this product.' });
    default:
      return BrokerErrors.REQUEST_REJECTED({ detail: `Coinbase refused a request (HTTP ${error.status}).` });
  }
}
