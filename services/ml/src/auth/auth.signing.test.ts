import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, signRequest, signingString, verifySignature, type SignedParts } from './auth.signing';

const secret = 'a-test-secret-that-is-long-enough-123';

describe('signRequest', () => {
  it('signs timestamp, nonce, method, path and body hash exactly as DESIGN §5 spells it', () => {
    const headers = signRequest({
      secret,
      method: 'post',
      path: '/v1/bias/score?x=1',
      body: '{"a":1}',
      timestampMs: 1_700_000_000_000,
      nonce: 'n'.repeat(16),
    });
    const expected = createHmac('sha256', secret)
      .update(
        `1700000000000\nnnnnnnnnnnnnnnnn\nPOST\n/v1/bias/score?x=1\n${createHash('sha256').update('{"a":1}').digest('hex')}`,
      )
      .digest('hex');
    expect(headers).toEqual({
      'x-timestamp': '1700000000000',
      'x-nonce': 'nnnnnnnnnnnnnnnn',
      'x-signature': expected,
    });
  });

  it('uses a fresh random nonce and the current time by default', () => {
    const a = signRequest({ secret, method: 'GET', path: '/readyz' });
    const b = signRequest({ secret, method: 'GET', path: '/readyz' });
    expect(a['x-nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(a['x-nonce']).not.toBe(b['x-nonce']);
    expect(Math.abs(Number(a['x-timestamp']) - Date.now())).toBeLessThan(5_000);
  });
});

describe('verifySignature', () => {
  const partsArb = fc.record({
    timestamp: fc.integer({ min: 0, max: 2 ** 45 }).map(String),
    nonce: fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    path: fc.webPath().map((p) => `/${p.replace(/^\/+/, '')}`),
    body: fc.string(),
  });

  it('accepts what signRequest signed and rejects any change to a signed part', () => {
    fc.assert(
      fc.property(partsArb, partsArb, (parts, other) => {
        const headers = signRequest({ secret, ...parts, timestampMs: Number(parts.timestamp) });
        expect(verifySignature(secret, parts, headers['x-signature'])).toBe(true);
        for (const key of ['timestamp', 'nonce', 'method', 'path', 'body'] as const) {
          const changed: SignedParts = { ...parts, [key]: other[key] };
          if (signingString(changed) === signingString(parts)) continue;
          expect(verifySignature(secret, changed, headers['x-signature'])).toBe(false);
        }
      }),
      { numRuns: 200, seed: 41 },
    );
  });

  it('rejects another secret, a truncated or non-hex signature', () => {
    const parts = {
      timestamp: '1',
      nonce: 'n'.repeat(16),
      method: 'POST',
      path: '/v1/indicators',
      body: Buffer.from('{}'),
    };
    const signature = signRequest({ secret, ...parts, timestampMs: 1 })['x-signature'];
    expect(verifySignature(`${secret}x`, parts, signature)).toBe(false);
    expect(verifySignature(secret, parts, signature.slice(0, 62))).toBe(false);
    expect(verifySignature(secret, parts, `${signature.slice(0, 62)}zz`)).toBe(false);
    expect(verifySignature(secret, parts, signature.toUpperCase())).toBe(true);
  });

  it('rejects a captured signature sent again under a fresh nonce (the nonce is signed)', () => {
    const parts = {
      timestamp: '1700000000000',
      nonce: 'a'.repeat(32),
      method: 'POST',
      path: '/v1/bias/score',
      body: '{}',
    };
    const signature = signRequest({ secret, ...parts, timestampMs: 1_700_000_000_000 })['x-signature'];
    expect(verifySignature(secret, { ...parts, nonce: 'b'.repeat(32) }, signature)).toBe(false);
  });

  it('hashes bytes and strings alike', () => {
    expect(sha256Hex(Buffer.from('héllo'))).toBe(sha256Hex('héllo'));
  });
});
