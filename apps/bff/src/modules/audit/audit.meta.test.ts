import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sanitizeAuditMeta } from './audit.meta';

describe('sanitizeAuditMeta', () => {
  it('keeps coarse scalar metadata', () => {
    expect(sanitizeAuditMeta({ broker: 'coinbase', trades: 12, current: true, since: null })).toEqual({
      meta: { broker: 'coinbase', trades: 12, current: true, since: null },
      dropped: [],
    });
  });

  it('drops keys that could name a secret or personal data, whatever their value', () => {
    const { meta, dropped } = sanitizeAuditMeta({
      password: 'x',
      newPassword: 'x',
      accessToken: 'x',
      refresh_token: 'x',
      apiSecret: 'x',
      apiKey: 'x',
      cookie: 'x',
      Authorization: 'x',
      ip: '1.2.3.4',
      userAgent: 'x',
      email: 'a@b.c',
      code: 'x',
      broker: 'binance',
    });
    expect(meta).toEqual({ broker: 'binance' });
    expect(dropped).toHaveLength(12);
  });

  it('drops credential-shaped values under innocent keys, nested objects and non-finite numbers', () => {
    const { meta, dropped } = sanitizeAuditMeta({
      note: 'sbx_at_abc123',
      other: 'Bearer abc.def',
      jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      nested: { token: 'x' },
      list: ['a'],
      ratio: Number.NaN,
      ok: 'fine',
    });
    expect(meta).toEqual({ ok: 'fine' });
    expect(dropped.sort()).toEqual(['jwt', 'list', 'nested', 'note', 'other', 'ratio']);
  });

  it('cuts long strings and keeps at most 20 keys', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    const { meta } = sanitizeAuditMeta(many);
    expect(Object.keys(meta)).toHaveLength(20);
    expect((meta.k0 as string).length).toBe(200);
  });

  it('never lets a denied key through, for any value', () => {
    const denied = fc.constantFrom(
      'password',
      'currentPassword',
      'token',
      'secret',
      'apiKey',
      'signature',
      'cookie',
    );
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(denied, value, (key, v) => {
        expect(Object.keys(sanitizeAuditMeta({ [key]: v }).meta)).toEqual([]);
      }),
    );
  });
});
