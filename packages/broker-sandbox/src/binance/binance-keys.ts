import { randomBytes } from 'node:crypto';
import type { SandboxAccount } from '../traders/trader.accounts';

/**
 * The sandbox's Binance API keys. A key's name decides what it may do (`trade` in the name enables
 * spot trading, `withdraw` enables withdrawals, anything else is read-only) and which account it
 * reads (`bench`, `scale`, else `demo`). The secret is any `sbx_sk_` string: the first secret
 * registered for a key is the one its signatures must use from then on.
 *
 * Keys must be registered before use because an HMAC signature never reveals the secret behind it.
 */

export const API_KEY_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const SECRET_PATTERN = /^sbx_sk_[\x21-\x7e]{1,249}$/;

export interface BinanceKey {
  apiKey: string;
  secret: string;
  account: SandboxAccount;
  enableSpotAndMarginTrading: boolean;
  enableWithdrawals: boolean;
  createTimeMs: number;
}

export type RegisterResult =
  | { kind: 'created' | 'existing'; key: BinanceKey }
  | { kind: 'invalid'; message: string }
  | { kind: 'conflict'; message: string };

function accountOfKey(apiKey: string): SandboxAccount {
  const name = apiKey.toLowerCase();
  if (name.includes('scale')) return 'scale';
  if (name.includes('bench')) return 'bench';
  return 'demo';
}

export class BinanceKeyRegistry {
  private readonly keys = new Map<string, BinanceKey>();

  constructor(private readonly nowMs: () => number) {}

  /** Registers a key with its secret (a fresh `sbx_sk_` secret when none is given). */
  register(apiKey: string, secret?: string): RegisterResult {
    if (!API_KEY_PATTERN.test(apiKey)) {
      return {
        kind: 'invalid',
        message: 'apiKey must be 1-128 characters of A-Z, a-z, 0-9, ".", "_" or "-"',
      };
    }
    if (secret !== undefined && !SECRET_PATTERN.test(secret)) {
      return { kind: 'invalid', message: 'secret must start with sbx_sk_ and contain no spaces' };
    }
    const existing = this.keys.get(apiKey);
    if (existing) {
      if (secret !== undefined && secret !== existing.secret) {
        return { kind: 'conflict', message: `apiKey ${apiKey} is already registered with another secret` };
      }
      return { kind: 'existing', key: existing };
    }
    const name = apiKey.toLowerCase();
    const key: BinanceKey = {
      apiKey,
      secret: secret ?? `sbx_sk_${randomBytes(24).toString('base64url')}`,
      account: accountOfKey(apiKey),
      enableSpotAndMarginTrading: name.includes('trade'),
      enableWithdrawals: name.includes('withdraw'),
      createTimeMs: this.nowMs(),
    };
    this.keys.set(apiKey, key);
    return { kind: 'created', key };
  }

  get(apiKey: string): BinanceKey | undefined {
    return this.keys.get(apiKey);
  }

  list(): BinanceKey[] {
    return [...this.keys.values()];
  }
}
