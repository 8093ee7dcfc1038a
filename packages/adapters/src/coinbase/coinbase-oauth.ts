import type { AppError } from '@tt/shared';
import { BrokerErrors } from '../errors';
import type { BrokerHttp, BrokerResponseError } from '../http/broker-http';
import { withMappedFailures } from '../http/map-failure';
import type { OAuthAdapter, OAuthTokens } from '../types';
import { CoinbaseErrorBodySchema, CoinbaseTokenSchema } from './coinbase.schemas';

/** Read-only scopes: accounts, transactions (fills), user (candles), and a refresh token. */
export const COINBASE_DEFAULT_SCOPES = [
  'wallet:accounts:read',
  'wallet:transactions:read',
  'wallet:user:read',
  'offline_access',
] as const;

export interface CoinbaseOAuthConfig {
  authorizeUrl: string;
  tokenUrl: string;
  /** Defaults to `tokenUrl` with its last path segment replaced by `revoke`. */
  revokeUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Comma-separated in the URL, as Coinbase documents. Default COINBASE_DEFAULT_SCOPES. */
  scopes?: readonly string[];
}

export function createCoinbaseOAuth(config: CoinbaseOAuthConfig, http: BrokerHttp): OAuthAdapter {
  const revokeUrl = config.revokeUrl ?? config.tokenUrl.replace(/\/[^/]*$/, '/revoke');
  const scope = (config.scopes ?? COINBASE_DEFAULT_SCOPES).join(',');

  const grant = async (
    operation: string,
    form: Record<string, string>,
    secrets: string[],
    onRejected: (e: BrokerResponseError) => AppError,
  ) => {
    const response = await withMappedFailures(
      http,
      operation,
      () =>
        http.send({
          operation,
          retry: false,
          prepare: () => ({
            url: config.tokenUrl,
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: new URLSearchParams({
              ...form,
              client_id: config.clientId,
              client_secret: config.clientSecret,
            }).toString(),
            secrets: [...secrets, config.clientSecret],
          }),
        }),
      onRejected,
    );
    const parsed = CoinbaseTokenSchema.safeParse(response.body);
    if (!parsed.success) {
      http.emitError(operation, 'BROKER.BAD_RESPONSE');
      throw BrokerErrors.BAD_RESPONSE({
        detail: 'Coinbase answered the token request in an unexpected shape.',
      });
    }
    const body = parsed.data;
    return {
      accessToken: body.access_token,
      ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}),
      expiresAt: new Date(http.clock.now() + body.expires_in * 1000),
      scope: body.scope ?? '',
    } satisfies OAuthTokens;
  };

  return {
    authorizeUrl({ state, codeChallenge, redirectUri, scope: requested }) {
      const url = new URL(config.authorizeUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('state', state);
      url.searchParams.set('scope', requested ?? scope);
      url.searchParams.set('code_challenge', codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
      return url.toString();
    },

    exchangeCode({ code, codeVerifier, redirectUri }) {
      return grant(
        'token.exchange',
        { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: redirectUri },
        [code, codeVerifier],
        (e) =>
          BrokerErrors.OAUTH_FAILED({
            detail: `Coinbase did not accept the authorization (${oauthErrorCode(e.body)}). Please connect again.`,
          }),
      );
    },

    refresh(refreshToken) {
      return grant(
        'token.refresh',
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        [refreshToken],
        (e) =>
          e.status === 400 || e.status === 401
            ? BrokerErrors.TOKEN_REVOKED({
                detail: 'Coinbase no longer accepts this connection. Please connect Coinbase again.',
              })
            : BrokerErrors.REQUEST_REJECTED({
                detail: `Coinbase refused to renew the session (HTTP ${e.status}).`,
              }),
      );
    },

    async revoke(token) {
      await withMappedFailures(
        http,
        'token.revoke',
        () =>
          http.send({
            operation: 'token.revoke',
            prepare: () => ({
              url: revokeUrl,
              method: 'POST',
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                authorization: `Bearer ${token}`,
              },
              body: new URLSearchParams({
                token,
                client_id: config.clientId,
                client_secret: config.clientSecret,
              }).toString(),
              secrets: [token, config.clientSecret],
            }),
          }),
        (e) =>
          BrokerErrors.REQUEST_REJECTED({
            detail: `Coinbase refused to revoke the connection (HTTP ${e.status}).`,
          }),
      );
    },
  };
}

function oauthErrorCode(body: unknown): string {
  const parsed = CoinbaseErrorBodySchema.safeParse(body);
  const code = parsed.success ? parsed.data.error : undefined;
  return code && /^[a-z_]{1,40}$/.test(code) ? code : 'unknown error';
}
