import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** Keep server-side (in the OAuth intent); sent only with the code exchange. */
  verifier: string;
  /** `BASE64URL(SHA256(verifier))`, sent in the authorization URL with method S256. */
  challenge: string;
  method: 'S256';
}

/** A PKCE pair (RFC 7636): a 43-character verifier from 32 random bytes and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** The S256 challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable OAuth `state` (32 random bytes, base64url). */
export function createState(): string {
  return randomBytes(32).toString('base64url');
}
