import { BrokerErrors } from '../errors';
import type { Clock } from '../http/http.types';
import type { CredentialProvider, OAuthAdapter, OAuthTokens } from '../types';

/** Where the BFF keeps one connection's tokens (encrypted at rest; decrypted only in `load`). */
export interface OAuthTokenStore {
  load(): Promise<OAuthTokens>;
  /**
   * Replaces `previous` with `next` atomically (compare-and-swap on `previous.refreshToken`) and
   * durably: once Coinbase has rotated the refresh token, the old one is dead, so losing `next`
   * means the trader must reconnect. Return false when another writer already replaced `previous`.
   */
  save(next: OAuthTokens, previous: OAuthTokens): Promise<boolean | void>;
  /**
   * Cross-process mutual exclusion for one connection (a Redis lock, `SELECT … FOR UPDATE`).
   * Without it, two processes refreshing at once would both spend the same refresh token and the
   * second would fail with BROKER.TOKEN_REVOKED.
   */
  withLock?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface WithFreshTokenOptions {
  /** Refresh when the access token expires within this margin. Default 5 minutes. */
  refreshBeforeMs?: number;
  /** Connection id: refreshes of one key in this process share a single request. */
  key?: string;
  clock?: Clock;
}

const inFlight = new Map<string, Promise<OAuthTokens>>();

/**
 * A CredentialProvider that renews the access token shortly before it expires and never spends a
 * refresh token twice: one refresh at a time per key in this process, `store.withLock` across
 * processes, and a re-read inside the lock so that a refresh another process just made is used
 * instead of repeated. Tokens are loaded from the store on every call, never cached here.
 */
export function withFreshToken(
  oauth: Pick<OAuthAdapter, 'refresh'>,
  store: OAuthTokenStore,
  options: WithFreshTokenOptions = {},
): CredentialProvider<OAuthTokens> {
  const margin = options.refreshBeforeMs ?? 5 * 60_000;
  const clock = options.clock ?? { now: () => Date.now() };
  const isFresh = (tokens: OAuthTokens) => tokens.expiresAt.getTime() - clock.now() > margin;
  const lock = <T>(fn: () => Promise<T>) => (store.withLock ? store.withLock(fn) : fn());

  const refreshOnce = () =>
    lock(async () => {
      const current = await store.load();
      if (isFresh(current)) return current;
      if (!current.refreshToken) {
        throw BrokerErrors.TOKEN_REVOKED({
          detail: 'The Coinbase session ended. Please connect Coinbase again.',
        });
      }
      const next = await oauth.refresh(current.refreshToken);
      const saved = await store.save(next, current);
      return saved === false ? store.load() : next;
    });

  let localFlight: Promise<OAuthTokens> | undefined;
  const shared = (): Promise<OAuthTokens> => {
    const existing = options.key ? inFlight.get(options.key) : localFlight;
    if (existing) return existing;
    const flight = refreshOnce().finally(() => {
      if (options.key) inFlight.delete(options.key);
      else localFlight = undefined;
    });
    if (options.key) inFlight.set(options.key, flight);
    else localFlight = flight;
    return flight;
  };

  return {
    async get() {
      const tokens = await store.load();
      return isFresh(tokens) ? tokens : shared();
    },
  };
}
