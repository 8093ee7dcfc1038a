import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyedHasher, loadSessionSecret } from './keyed-hash';

describe('loadSessionSecret', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const tempKeysDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tt-keys-'));
    dirs.push(dir);
    return join(dir, 'keys');
  };

  it('generates a 32-byte key once into session.key with mode 0600 and reuses it', async () => {
    const keysDir = await tempKeysDir();
    const first = loadSessionSecret({ secret: undefined, keysDir });
    const second = loadSessionSecret({ secret: undefined, keysDir });
    expect(first).toHaveLength(32);
    expect(second.equals(first)).toBe(true);
    expect((await stat(join(keysDir, 'session.key'))).mode & 0o777).toBe(0o600);
    expect(
      Buffer.from((await readFile(join(keysDir, 'session.key'), 'utf8')).trim(), 'base64').equals(first),
    ).toBe(true);
  });

  it('uses SESSION_SECRET when it is set and writes no file', async () => {
    const keysDir = await tempKeysDir();
    const secret = loadSessionSecret({ secret: 'x'.repeat(40), keysDir });
    expect(secret.toString('utf8')).toBe('x'.repeat(40));
    await expect(stat(join(keysDir, 'session.key'))).rejects.toThrow();
  });
});

describe('createKeyedHasher', () => {
  it('hashes deterministically per key, never returning the input', () => {
    const hasher = createKeyedHasher(Buffer.alloc(32, 1));
    const ip = '203.0.113.7';
    expect(hasher.hash('ip', ip)).toBe(hasher.hash('ip', ip));
    expect(hasher.hash('ip', ip)).not.toContain(ip);
    expect(hasher.hash('ip', ip)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('derives a separate key per purpose and per secret', () => {
    const hasher = createKeyedHasher(Buffer.alloc(32, 1));
    const other = createKeyedHasher(Buffer.alloc(32, 2));
    expect(hasher.hash('ip', 'a')).not.toBe(hasher.hash('user-agent', 'a'));
    expect(hasher.hash('ip', 'a')).not.toBe(other.hash('ip', 'a'));
  });
});
