import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * Request signing between the BFF and the ML service (DESIGN.md §5):
 * X-Signature = hex HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" + METHOD + "\n" + path + "\n" + sha256hex(body)),
 * where `path` is the request target as sent (path and query string) and the body is the raw bytes.
 * The nonce is signed too: were it not, anyone who saw a request could replay it within the clock
 * window under a nonce of their own, and the single-use check would stop nothing.
 */

export const SIGNATURE_HEADERS = {
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** Allowed distance between the sender's clock and ours. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type SignatureHeaders = Record<(typeof SIGNATURE_HEADERS)[keyof typeof SIGNATURE_HEADERS], string>;

export interface SignedParts {
  /** Unix milliseconds, as the decimal string that travels in X-Timestamp. */
  timestamp: string;
  /** The single-use X-Nonce. */
  nonce: string;
  method: string;
  /** Path and query string exactly as sent (`/v1/bias/score?x=1`). */
  path: string;
  body: string | Uint8Array;
}

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

export function signingString(parts: SignedParts): string {
  return `${parts.timestamp}\n${parts.nonce}\n${parts.method.toUpperCase()}\n${parts.path}\n${sha256Hex(parts.body)}`;
}

function signatureBytes(secret: string, parts: SignedParts): Buffer {
  return createHmac('sha256', secret).update(signingString(parts)).digest();
}

export interface SignRequestOptions {
  secret: string;
  method: string;
  path: string;
  /** Raw body; empty for GET. */
  body?: string | Uint8Array;
  /** Default: now. */
  timestampMs?: number;
  /** Default: 16 random bytes, hex. */
  nonce?: string;
}

/** The three headers that authenticate one request. */
export function signRequest(options: SignRequestOptions): SignatureHeaders {
  const timestamp = String(options.timestampMs ?? Date.now());
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  const signature = signatureBytes(options.secret, {
    timestamp,
    nonce,
    method: options.method,
    path: options.path,
    body: options.body ?? '',
  }).toString('hex');
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: signature,
  };
}

/** Constant-time check of a hex signature over `parts`. */
export function verifySignature(secret: string, parts: SignedParts, signatureHex: string): boolean {
  const expected = signatureBytes(secret, parts);
  if (!/^[0-9a-f]{64}$/i.test(signatureHex)) return false;
  return timingSafeEqual(expected, Buffer.from(signatureHex, 'hex'));
}
