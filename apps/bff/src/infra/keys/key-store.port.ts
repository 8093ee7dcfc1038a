/** Master keys that wrap per-record data keys. The newest encrypts; every listed key decrypts. */
export interface KeyStore {
  current(): { id: string; key: Buffer };
  get(id: string): Buffer | undefined;
  ids(): string[];
}

export function keyStoreFrom(keys: { id: string; key: Buffer }[]): KeyStore {
  if (keys.length === 0) throw new Error('at least one encryption key is required');
  for (const k of keys) {
    if (k.key.length !== 32) throw new Error(`encryption key ${k.id} must be 32 bytes`);
  }
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const newest = keys[keys.length - 1]!;
  return { current: () => newest, get: (id) => byId.get(id), ids: () => [...byId.keys()] };
}

/** Parses `APP_ENCRYPTION_KEYS` (`kid1:base64,kid2:base64`; the last is the newest). */
export function parseKeySpec(spec: string): KeyStore {
  const keys = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [id, b64] = part.split(':');
      if (!id || !b64) throw new Error('APP_ENCRYPTION_KEYS: expected kid:base64key[,kid:base64key]');
      return { id, key: Buffer.from(b64, 'base64') };
    });
  return keyStoreFrom(keys);
}
