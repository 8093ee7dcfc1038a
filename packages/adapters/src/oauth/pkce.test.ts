import { describe, expect, it } from 'vitest';
import { createPkcePair, createState, pkceChallenge } from './pkce';

describe('pkce', () => {
  it('computes the RFC 7636 appendix B challenge', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates verifiers of legal length and charset, each with its own challenge', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(a.challenge).toBe(pkceChallenge(a.verifier));
    expect(a.method).toBe('S256');
    expect(a.verifier).not.toBe(b.verifier);
  });

  it('creates unguessable states', () => {
    const states = new Set(Array.from({ length: 50 }, createState));
    expect(states.size).toBe(50);
    for (const s of states) expect(s.length).toBeGreaterThanOrEqual(43);
  });
});
