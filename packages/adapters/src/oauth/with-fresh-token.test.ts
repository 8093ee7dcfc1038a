import { describe, expect, it } from 'vitest';
import type { OAuthTokens } from '../types';
import { type OAuthTokenStore, withFreshToken } from './with-fresh-token';

const NOW = Date.UTC(2024, 5, 1);
const clock = { now: () => NOW };

function memoryStore(initial: OAuthTokens) {
  let current = initial;
  const saves: OAuthTokens[] = [];
  const store: OAuthTokenStore = {
    load: async () => current,
    save: async (next, previous) => {
      if (current.refreshToken !== previous.refreshToken) return false;
      current = next;
      saves.push(next);
      return true;
    },
  };
  return { store, saves, set: (t: OAuthTokens) => (current = t) };
}

const tokens = (n: number, expiresInMs: number): OAuthTokens => ({
  accessToken: `sbx_at_${n}`,
  refreshToken: `sbx_rt_${n}`,
  expiresAt: new Date(NOW + expiresInMs),
  scope: 'wallet:user:read',
});

describe('withFreshToken', () => {
  it('uses a token that is far from expiry as it is', async () => {
    const { store } = memoryStore(tokens(1, 30 * 60_000));
    const spent: string[] = [];
    const provider = withFreshToken({ refresh: async (rt) => (spent.push(rt), tokens(2, 3600_000)) }, store, {
      clock,
    });
    expect((await provider.get()).accessToken).toBe('sbx_at_1');
    expect(spent).toEqual([]);
  });

  it('refreshes near expiry once for concurrent callers and stores the rotated token', async () => {
    const { store, saves } = memoryStore(tokens(1, 60_000));
    const spent: string[] = [];
    const refresh = async (rt: string) => {
      spent.push(rt);
      await new Promise((r) => setTimeout(r, 5));
      return tokens(2, 3600_000);
    };
    const provider = withFreshToken({ refresh }, store, { clock, key: 'conn-1' });
    const results = await Promise.all([provider.get(), provider.get(), provider.get()]);
    expect(results.map((t) => t.accessToken)).toEqual(['sbx_at_2', 'sbx_at_2', 'sbx_at_2']);
    expect(spent).toEqual(['sbx_rt_1']);
    expect(saves.map((t) => t.refreshToken)).toEqual(['sbx_rt_2']);
  });

  it('re-reads inside the lock and uses a refresh another process just made', async () => {
    const memory = memoryStore(tokens(1, 60_000));
    const spent: string[] = [];
    const store: OAuthTokenStore = {
      ...memory.store,
      withLock: async (fn) => {
        memory.set(tokens(7, 3600_000));
        return fn();
      },
    };
    const provider = withFreshToken({ refresh: async (rt) => (spent.push(rt), tokens(8, 3600_000)) }, store, {
      clock,
    });
    expect((await provider.get()).accessToken).toBe('sbx_at_7');
    expect(spent).toEqual([]);
  });

  it('asks the trader to reconnect when no refresh token is left', async () => {
    const { store } = memoryStore({ ...tokens(1, 0), refreshToken: undefined });
    const provider = withFreshToken({ refresh: async () => tokens(2, 1) }, store, { clock });
    await expect(provider.get()).rejects.toMatchObject({ code: 'BROKER.TOKEN_REVOKED' });
  });
});
