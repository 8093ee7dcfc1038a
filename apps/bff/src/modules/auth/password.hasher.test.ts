import { describe, expect, it } from 'vitest';
import { FAST_TEST_ARGON2 } from './auth.test-support';
import { PRODUCTION_ARGON2, createPasswordHasher } from './password.hasher';

describe('createPasswordHasher', () => {
  it('hashes with Argon2id at no less than OWASP parameters in production', async () => {
    expect(PRODUCTION_ARGON2.memoryCost).toBeGreaterThanOrEqual(19 * 1024);
    expect(PRODUCTION_ARGON2.timeCost).toBeGreaterThanOrEqual(2);
    expect(PRODUCTION_ARGON2.parallelism).toBe(1);
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('a long enough passphrase');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'a long enough passphrase')).toBe(true);
    expect(await hasher.verify(hash, 'a long enough passphrasE')).toBe(false);
  });

  it('salts every hash', async () => {
    const hasher = createPasswordHasher(FAST_TEST_ARGON2);
    expect(await hasher.hash('same password here')).not.toBe(await hasher.hash('same password here'));
  });

  it('treats a malformed stored hash as a mismatch, not an error', async () => {
    const hasher = createPasswordHasher(FAST_TEST_ARGON2);
    expect(await hasher.verify('not-a-hash', 'whatever')).toBe(false);
  });

  it('asks for a rehash when a stored hash is weaker than the current parameters', async () => {
    const weak = await createPasswordHasher(FAST_TEST_ARGON2).hash('passphrase to upgrade');
    expect(createPasswordHasher().needsRehash(weak)).toBe(true);
    expect(createPasswordHasher(FAST_TEST_ARGON2).needsRehash(weak)).toBe(false);
  });

  it('spends a verification on the dummy hash', async () => {
    const hasher = createPasswordHasher(FAST_TEST_ARGON2);
    await expect(hasher.verifyDummy('anything at all')).resolves.toBeUndefined();
  });
});
