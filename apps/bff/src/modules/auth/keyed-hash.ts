import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a keyed hash is for; each purpose gets its own derived key, so hashes never correlate across uses. */
export type KeyedHashPurpose =
  'ip' | 'user-agent' | 'login-throttle' | 'anonymous-caller' | 'idempotency' | 'rate-limit';

/** HMAC-SHA256 of client data (IPs, user agents, emails) under the session secret: never the raw value. */
export interface KeyedHasher {
  hash(purpose: KeyedHashPurpose, value: string): string;
}

export function createKeyedHasher(secret: Buffer): KeyedHasher {
  const keys = new Map<KeyedHashPurpose, Buffer>();
  const keyFor = (purpose: KeyedHashPurpose) => {
    let key = keys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `trading-twin:${purpose}`, 32));
      keys.set(purpose, key);
    }
    return key;
  };
  return {
    hash: (purpose, value) => createHmac('sha256', keyFor(purpose)).update(value, 'utf8').digest('base64url'),
  };
}

export interface SessionSecretSource {
  /** `SESSION_SECRET`, when the operator set one (required with several BFF processes). */
  secret: string | undefined;
  /** `<DATA_DIR>/keys`, where a generated secret is kept. */
  keysDir: string;
}

const FILE = 'session.key';

/**
 * The secret behind every keyed hash: `SESSION_SECRET` when set, else 32 random bytes generated
 * once into `<DATA_DIR>/keys/session.key` (mode 0600). Created with O_EXCL so two processes
 * starting together agree on one file.
 */
export function loadSessionSecret(source: SessionSecretSource): Buffer {
  if (source.secret !== undefined) return Buffer.from(source.secret, 'utf8');
  mkdirSync(source.keysDir, { recursive: true, mode: 0o700 });
  const path = join(source.keysDir, FILE);
  try {
    writeFileSync(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length < 32) throw new Error(`${path} does not hold a 32-byte key`);
  return key;
}
