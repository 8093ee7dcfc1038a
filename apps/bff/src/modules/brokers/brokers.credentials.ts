import type { ApiKeyCredentials, CredentialProvider, OAuthTokens, OAuthTokenStore } from '@tt/adapters';
import type { Database } from '@tt/db';
import type { Cache } from '../../infra/cache';
import type { Vault } from '../../infra/keys';
import { BrokersErrors } from './brokers.errors';
import { withCacheLock, type CacheLockOptions } from './brokers.lock';
import {
  findSealedConnection,
  replaceTokens,
  type ConnectionRow,
  type CredentialsWrite,
} from './brokers.repository';

/** Which connection a sealed value belongs to; bound into the ciphertext as associated data. */
export interface ConnectionOwner {
  userId: string;
  connectionId: string;
}

/** `access_enc` holds the access token (OAuth) or the key and secret (API key); `refresh_enc` the refresh token. */
export type SealedPart = 'access' | 'refresh';

export const vaultContext = (owner: ConnectionOwner, part: SealedPart) =>
  `user:${owner.userId}|conn:${owner.connectionId}|${part}`;

const ownerOf = (row: Pick<ConnectionRow, 'id' | 'userId'>): ConnectionOwner => ({
  userId: row.userId,
  connectionId: row.id,
});

export function sealOAuthTokens(vault: Vault, owner: ConnectionOwner, tokens: OAuthTokens): CredentialsWrite {
  const access = vault.seal(tokens.accessToken, vaultContext(owner, 'access'));
  const refresh = tokens.refreshToken
    ? vault.seal(tokens.refreshToken, vaultContext(owner, 'refresh'))
    : null;
  // One key id per row: both blobs are sealed back to back, under the same newest key.
  if (refresh && refresh.keyId !== access.keyId) throw new Error('vault key changed between two seals');
  return {
    accessEnc: access.blob,
    refreshEnc: refresh?.blob ?? null,
    keyId: access.keyId,
    scope: tokens.scope,
    expiresAt: tokens.expiresAt,
  };
}

export function openOAuthTokens(vault: Vault, row: ConnectionRow): OAuthTokens {
  const owner = ownerOf(row);
  const accessToken = vault.open({ keyId: row.keyId, blob: row.accessEnc }, vaultContext(owner, 'access'));
  const refreshToken = row.refreshEnc
    ? vault.open({ keyId: row.keyId, blob: row.refreshEnc }, vaultContext(owner, 'refresh'))
    : undefined;
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    // A token without a known expiry is treated as expired, so it is renewed before use.
    expiresAt: row.expiresAt ?? new Date(0),
    scope: row.scope,
  };
}

/** The key and secret travel sealed together, so one can never be swapped without the other. */
export function sealApiKey(
  vault: Vault,
  owner: ConnectionOwner,
  credentials: ApiKeyCredentials,
): CredentialsWrite {
  const sealed = vault.seal(
    JSON.stringify({ apiKey: credentials.apiKey, apiSecret: credentials.apiSecret }),
    vaultContext(owner, 'access'),
  );
  return { accessEnc: sealed.blob, refreshEnc: null, keyId: sealed.keyId, scope: 'read', expiresAt: null };
}

export function openApiKey(vault: Vault, row: ConnectionRow): ApiKeyCredentials {
  const plain = vault.open({ keyId: row.keyId, blob: row.accessEnc }, vaultContext(ownerOf(row), 'access'));
  const parsed = JSON.parse(plain) as ApiKeyCredentials;
  return { apiKey: parsed.apiKey, apiSecret: parsed.apiSecret };
}

export interface CredentialDeps {
  db: Database;
  vault: Vault;
  cache: Cache;
}

async function loadRow(db: Database, connection: { id: string; userId: string }): Promise<ConnectionRow> {
  const row = await findSealedConnection(db, connection.id);
  if (!row || row.userId !== connection.userId) {
    throw BrokersErrors.NOT_CONNECTED({ detail: 'This broker connection no longer exists.' });
  }
  return row;
}

/** Opens the stored key on each call: nothing holds the plaintext between adapter requests. */
export function apiKeyProvider(
  deps: Pick<CredentialDeps, 'db' | 'vault'>,
  connection: { id: string; userId: string },
): CredentialProvider<ApiKeyCredentials> {
  return { get: async () => openApiKey(deps.vault, await loadRow(deps.db, connection)) };
}

/** How many times a token save re-reads the row after losing a race to a key re-wrap. */
const SAVE_ATTEMPTS = 5;

/**
 * One connection's OAuth tokens in the database, for `withFreshToken`. `save` is a compare-and-swap
 * on the refresh blob it just read: when the swap misses, the row is read again; if it still holds
 * the refresh token that was spent (only re-wrapped under a new key meanwhile) the swap is retried,
 * otherwise another writer already stored newer tokens and `false` tells the caller to load them.
 */
export function oauthTokenStore(
  deps: CredentialDeps,
  connection: { id: string; userId: string },
  lock?: CacheLockOptions,
): OAuthTokenStore {
  const owner: ConnectionOwner = { userId: connection.userId, connectionId: connection.id };
  return {
    load: async () => openOAuthTokens(deps.vault, await loadRow(deps.db, connection)),
    async save(next, previous) {
      for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
        const row = await findSealedConnection(deps.db, connection.id);
        if (!row?.refreshEnc) return false;
        const stored = deps.vault.open(
          { keyId: row.keyId, blob: row.refreshEnc },
          vaultContext(owner, 'refresh'),
        );
        if (stored !== previous.refreshToken) return false;
        const refreshToken = next.refreshToken ?? previous.refreshToken;
        const sealed = sealOAuthTokens(deps.vault, owner, {
          ...next,
          ...(refreshToken ? { refreshToken } : {}),
        });
        if (await replaceTokens(deps.db, connection.id, row.refreshEnc, sealed)) return true;
      }
      return false;
    },
    withLock: (fn) => withCacheLock(deps.cache, `brokers:refresh-lock:${connection.id}`, fn, lock),
  };
}
