import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyStore } from './key-store.port';

/**
 * Envelope encryption for broker credentials. Each record gets a random data key and nonce; the
 * data key is wrapped by the newest master key, whose id is stored beside the record. The owner
 * and connection are bound as associated data, so a sealed value moved to another row will not open.
 *
 * Layout: version(1) | wrapNonce(12) | wrappedKey(32) | wrapTag(16) | nonce(12) | tag(16) | ciphertext
 */
const VERSION = 1;

function gcm(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer) {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { ct, tag: cipher.getAuthTag() };
}

function ungcm(key: Buffer, nonce: Buffer, aad: Buffer, ct: Buffer, tag: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

export interface SealedValue {
  keyId: string;
  blob: Buffer;
}

export interface Vault {
  seal(plaintext: string, context: string): SealedValue;
  open(sealed: SealedValue, context: string): string;
  /** Re-wraps the data key under the newest master key without touching the ciphertext. */
  rewrap(sealed: SealedValue, context: string): SealedValue;
  currentKeyId(): string;
}

export function createVault(keys: KeyStore): Vault {
  const wrapAad = (context: string, keyId: string) => Buffer.from(`wrap|${keyId}|${context}`);
  const dataAad = (context: string) => Buffer.from(`data|${context}`);

  const unwrap = (sealed: SealedValue, context: string): Buffer => {
    const master = keys.get(sealed.keyId);
    if (!master) throw new Error(`unknown encryption key id ${sealed.keyId}`);
    const b = sealed.blob;
    if (b[0] !== VERSION) throw new Error('unsupported sealed value version');
    return ungcm(
      master,
      b.subarray(1, 13),
      wrapAad(context, sealed.keyId),
      b.subarray(13, 45),
      b.subarray(45, 61),
    );
  };
  const wrap = (dataKey: Buffer, context: string) => {
    const master = keys.current();
    const nonce = randomBytes(12);
    const { ct, tag } = gcm(master.key, nonce, wrapAad(context, master.id), dataKey);
    return { keyId: master.id, header: Buffer.concat([Buffer.from([VERSION]), nonce, ct, tag]) };
  };

  return {
    seal(plaintext, context) {
      const dataKey = randomBytes(32);
      const nonce = randomBytes(12);
      const { ct, tag } = gcm(dataKey, nonce, dataAad(context), Buffer.from(plaintext, 'utf8'));
      const { keyId, header } = wrap(dataKey, context);
      dataKey.fill(0);
      return { keyId, blob: Buffer.concat([header, nonce, tag, ct]) };
    },
    open(sealed, context) {
      const dataKey = unwrap(sealed, context);
      const b = sealed.blob;
      const plain = ungcm(dataKey, b.subarray(61, 73), dataAad(context), b.subarray(89), b.subarray(73, 89));
      dataKey.fill(0);
      return plain.toString('utf8');
    },
    rewrap(sealed, context) {
      const dataKey = unwrap(sealed, context);
      const { keyId, header } = wrap(dataKey, context);
      dataKey.fill(0);
      return { keyId, blob: Buffer.concat([header, sealed.blob.subarray(61)]) };
    },
    currentKeyId: () => keys.current().id,
  };
}
