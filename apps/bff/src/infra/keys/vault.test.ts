import { describe, expect, it } from 'vitest';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { addFileKey, createVault, keyStoreFrom, loadFileKeyStore, parseKeySpec } from './index';

const key = () => randomBytes(32);

describe('createVault', () => {
  it('opens what it sealed, for any text', () => {
    const vault = createVault(keyStoreFrom([{ id: 'k1', key: key() }]));
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (plain, ctx) => {
        expect(vault.open(vault.seal(plain, ctx), ctx)).toBe(plain);
      }),
    );
  });

  it('never stores the plaintext and uses a fresh nonce per record', () => {
    const vault = createVault(keyStoreFrom([{ id: 'k1', key: key() }]));
    const a = vault.seal('sbx_at_secret-token', 'user:1|conn:1');
    const b = vault.seal('sbx_at_secret-token', 'user:1|conn:1');
    expect(a.blob.includes(Buffer.from('sbx_at_'))).toBe(false);
    expect(a.blob.equals(b.blob)).toBe(false);
  });

  it('refuses to open a value moved to another user or connection', () => {
    const vault = createVault(keyStoreFrom([{ id: 'k1', key: key() }]));
    const sealed = vault.seal('secret', 'user:1|conn:1');
    expect(() => vault.open(sealed, 'user:2|conn:1')).toThrow();
  });

  it('refuses a tampered value', () => {
    const vault = createVault(keyStoreFrom([{ id: 'k1', key: key() }]));
    const sealed = vault.seal('secret', 'ctx');
    const blob = Buffer.from(sealed.blob);
    blob[blob.length - 1] = blob[blob.length - 1]! ^ 1;
    expect(() => vault.open({ keyId: sealed.keyId, blob }, 'ctx')).toThrow();
  });

  it('re-wraps under the newest key and still opens after the old key is the only other one', () => {
    const k1 = { id: 'k1', key: key() };
    const old = createVault(keyStoreFrom([k1]));
    const sealed = old.seal('secret', 'ctx');
    const rotated = createVault(keyStoreFrom([k1, { id: 'k2', key: key() }]));
    expect(rotated.open(sealed, 'ctx')).toBe('secret');
    const rewrapped = rotated.rewrap(sealed, 'ctx');
    expect(rewrapped.keyId).toBe('k2');
    expect(rotated.open(rewrapped, 'ctx')).toBe('secret');
  });
});

describe('key stores', () => {
  it('generates master.key once with mode 0600 and keeps it across loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tt-keys-'));
    const first = loadFileKeyStore(dir);
    const again = loadFileKeyStore(dir);
    expect(again.current().key.equals(first.current().key)).toBe(true);
    expect((await stat(join(dir, 'master.key'))).mode & 0o777).toBe(0o600);
    const rotated = addFileKey(dir);
    expect(rotated.current().id).toBe('k2');
    expect(rotated.get('k1')?.equals(first.current().key)).toBe(true);
  });

  it('parses APP_ENCRYPTION_KEYS with the last key newest', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    const store = parseKeySpec(`old:${a},new:${b}`);
    expect(store.current().id).toBe('new');
    expect(store.ids()).toEqual(['old', 'new']);
    expect(() => parseKeySpec('bad')).toThrow(/APP_ENCRYPTION_KEYS/);
    expect(() => parseKeySpec(`short:${randomBytes(8).toString('base64')}`)).toThrow(/32 bytes/);
  });
});
