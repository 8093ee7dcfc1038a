import { randomUUID } from 'node:crypto';
import {
  createPkcePair,
  createState,
  type Adapters,
  type ApiKeyCredentials,
  type OAuthTokens,
} from '@tt/adapters';
import type { Database } from '@tt/db';
import {
  ApiKeyConnectStartRequestSchema,
  AppError,
  parseOrThrow,
  type AuditAction,
  type BrokerConnectionDto,
  type BrokerId,
} from '@tt/shared';
import type { Cache } from '../../infra/cache';
import type { Vault } from '../../infra/keys';
import type { Logger } from '../../logger';
import type { AuditRequest } from '../audit';
import { sealApiKey, sealOAuthTokens, type ConnectionOwner } from './brokers.credentials';
import { BROKER_NAMES, toConnectionDto } from './brokers.dto';
import { BrokersErrors, type CallbackFailure } from './brokers.errors';
import { findUserConnection, setStatus, upsertConnection, type CredentialsWrite } from './brokers.repository';
import { revokeAndDelete } from './brokers.revoke';
import type { BrokerAudit } from './brokers.service';

/** How long the trader has to finish consenting at the exchange. */
const INTENT_TTL_MS = 10 * 60_000;
const STATE_FORMAT = /^[A-Za-z0-9_-]{16,128}$/;
const intentKey = (state: string) => `brokers:oauth-intent:${state}`;

interface StoredIntent {
  userId: string;
  broker: BrokerId;
  redirectUri: string;
  /** The PKCE verifier, sealed: even the cache (Redis in scaled mode) never holds it in clear. */
  verifier: { keyId: string; blob: string };
}

export interface OAuthCallbackQuery {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
}

export type OAuthCallbackOutcome = { ok: true; broker: BrokerId } | { ok: false; failure: CallbackFailure };

export interface BrokerConnectDeps {
  db: Database;
  cache: Cache;
  vault: Vault;
  adapters: Adapters;
  audit?: BrokerAudit;
  logger: Logger;
  /** `PUBLIC_ORIGIN`: the OAuth redirect URI is built on it. */
  publicOrigin: string;
}

/** The trader-facing operations behind the routes: connect, pause, resume, disconnect. */
export interface BrokerConnectService {
  startOAuth(userId: string, broker: BrokerId): Promise<{ url: string; state: string }>;
  /** Never throws for the trader's mistakes: the outcome names why nothing was connected. */
  completeOAuth(
    userId: string | null,
    broker: BrokerId,
    query: OAuthCallbackQuery,
    request?: AuditRequest,
  ): Promise<OAuthCallbackOutcome>;
  /** 404 when the broker is switched off, checked before the body is even read. */
  connectApiKey(
    userId: string,
    broker: BrokerId,
    body: unknown,
    request?: AuditRequest,
  ): Promise<BrokerConnectionDto>;
  pause(userId: string, broker: BrokerId, request?: AuditRequest): Promise<BrokerConnectionDto>;
  resume(userId: string, broker: BrokerId, request?: AuditRequest): Promise<BrokerConnectionDto>;
  disconnect(userId: string, broker: BrokerId, request?: AuditRequest): Promise<void>;
}

export function oauthRedirectUri(publicOrigin: string, broker: BrokerId): string {
  return `${publicOrigin.replace(/\/+$/, '')}/api/brokers/${broker}/connect/callback`;
}

export function createBrokerConnectService(deps: BrokerConnectDeps): BrokerConnectService {
  const { db, cache, vault, adapters, logger } = deps;
  const audit = (
    userId: string,
    action: AuditAction,
    meta: Record<string, unknown>,
    request?: AuditRequest,
  ) => deps.audit?.record(userId, action, meta, request);

  /** Seals for the row's id (credentials are bound to it), retrying if a concurrent connect created the row. */
  const store = async (
    userId: string,
    broker: BrokerId,
    seal: (owner: ConnectionOwner) => CredentialsWrite,
  ): Promise<BrokerConnectionDto> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await findUserConnection(db, userId, broker);
      const id = existing?.id ?? randomUUID();
      const row = await upsertConnection(db, { id, userId, broker, ...seal({ userId, connectionId: id }) });
      if (row) return toConnectionDto(row);
    }
    throw BrokersErrors.BUSY({ detail: 'This broker was being connected by another request. Try again.' });
  };

  const requireConnection = async (userId: string, broker: BrokerId) => {
    const row = await findUserConnection(db, userId, broker);
    if (!row) throw BrokersErrors.NOT_CONNECTED({ detail: `${BROKER_NAMES[broker]} is not connected.` });
    return row;
  };

  const exchange = async (intent: StoredIntent, state: string, code: string) => {
    const codeVerifier = vault.open(
      { keyId: intent.verifier.keyId, blob: Buffer.from(intent.verifier.blob, 'base64') },
      `oauth-intent:${state}`,
    );
    return adapters.coinbase.oauth.exchangeCode({ code, codeVerifier, redirectUri: intent.redirectUri });
  };

  const failedExchange = (error: unknown): CallbackFailure => {
    const code = error instanceof AppError ? error.code : 'UNKNOWN';
    logger.info({ code }, 'oauth code exchange failed');
    return code === 'BROKER.UNAVAILABLE' || code === 'BROKER.RATE_LIMITED'
      ? 'broker_unavailable'
      : 'exchange_failed';
  };

  return {
    async startOAuth(userId, broker) {
      if (broker !== 'coinbase')
        throw BrokersErrors.NOT_OAUTH({ detail: `${BROKER_NAMES[broker]} connects with an API key.` });
      const state = createState();
      const pkce = createPkcePair();
      const redirectUri = oauthRedirectUri(deps.publicOrigin, broker);
      const sealed = vault.seal(pkce.verifier, `oauth-intent:${state}`);
      const intent: StoredIntent = {
        userId,
        broker,
        redirectUri,
        verifier: { keyId: sealed.keyId, blob: sealed.blob.toString('base64') },
      };
      await cache.set(intentKey(state), JSON.stringify(intent), INTENT_TTL_MS);
      const url = adapters.coinbase.oauth.authorizeUrl({ state, codeChallenge: pkce.challenge, redirectUri });
      return { url, state };
    },

    async completeOAuth(userId, broker, query, request) {
      const state = query.state && STATE_FORMAT.test(query.state) ? query.state : undefined;
      // Taken before anything else: whatever happens next, this state can never be used again.
      const raw = state ? await cache.take(intentKey(state)) : null;
      if (query.error)
        return { ok: false, failure: query.error === 'access_denied' ? 'access_denied' : 'exchange_failed' };
      if (!raw || !state) return { ok: false, failure: 'invalid_state' };
      if (userId === null) return { ok: false, failure: 'signed_out' };
      const intent = JSON.parse(raw) as StoredIntent;
      if (intent.userId !== userId || intent.broker !== broker) {
        logger.warn({ broker }, 'oauth callback for another user or broker refused');
        return { ok: false, failure: 'invalid_state' };
      }
      if (!query.code) return { ok: false, failure: 'exchange_failed' };

      let tokens: OAuthTokens;
      try {
        tokens = await exchange(intent, state, query.code);
      } catch (error) {
        return { ok: false, failure: failedExchange(error) };
      }
      let scopes: string[];
      try {
        ({ scopes } = await adapters.coinbase.verifyReadOnly({ get: async () => tokens }));
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'BROKER.KEY_NOT_READ_ONLY') throw error;
        await adapters.coinbase.oauth
          .revoke(tokens.refreshToken ?? tokens.accessToken)
          .catch(() => undefined);
        return { ok: false, failure: 'not_read_only' };
      }
      try {
        await store(userId, intent.broker, (owner) => sealOAuthTokens(vault, owner, tokens));
      } catch (error) {
        // Tokens we could not keep must not stay alive at the exchange.
        await adapters.coinbase.oauth
          .revoke(tokens.refreshToken ?? tokens.accessToken)
          .catch(() => undefined);
        throw error;
      }
      await audit(userId, 'broker.connect', { broker: intent.broker, scopes: scopes.join(' ') }, request);
      return { ok: true, broker: intent.broker };
    },

    async connectApiKey(userId, broker, body, request) {
      const adapter = adapters.get(broker);
      if (adapter.id !== 'binance')
        throw BrokersErrors.NOT_OAUTH({
          detail: `${BROKER_NAMES[broker]} connects through its sign-in page.`,
        });
      const credentials: ApiKeyCredentials = parseOrThrow(ApiKeyConnectStartRequestSchema, body, 'body');
      const { scopes } = await adapter.verifyReadOnly({ get: async () => credentials });
      const dto = await store(userId, broker, (owner) => sealApiKey(vault, owner, credentials));
      await audit(userId, 'broker.connect', { broker, scopes: scopes.join(' ') }, request);
      return dto;
    },

    async pause(userId, broker, request) {
      const row = await requireConnection(userId, broker);
      if (row.status === 'paused') return toConnectionDto(row);
      const updated = (await setStatus(db, row.id, 'paused')) ?? row;
      await audit(userId, 'broker.pause', { broker }, request);
      return toConnectionDto(updated);
    },

    async resume(userId, broker, request) {
      const row = await requireConnection(userId, broker);
      if (row.status === 'active') return toConnectionDto(row);
      if (row.status !== 'paused') {
        throw BrokersErrors.NEEDS_RECONNECT({
          detail: `${BROKER_NAMES[broker]} needs to be connected again: ${row.lastError?.message ?? 'the connection no longer works.'}`,
        });
      }
      const updated = (await setStatus(db, row.id, 'active')) ?? row;
      await audit(userId, 'broker.resume', { broker }, request);
      return toConnectionDto(updated);
    },

    async disconnect(userId, broker, request) {
      const row = await requireConnection(userId, broker);
      const { revokedAtBroker } = await revokeAndDelete(deps, row);
      await audit(userId, 'broker.disconnect', { broker, revokedAtBroker }, request);
    },
  };
}
