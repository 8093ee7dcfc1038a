import { describe, expect, it } from 'vitest';
import { joinUrl } from './url';

describe('joinUrl', () => {
  it('keeps the path prefix of a mounted base URL', () => {
    expect(joinUrl('http://127.0.0.1:3000/sandbox', '/api/v3/time').toString()).toBe(
      'http://127.0.0.1:3000/sandbox/api/v3/time',
    );
    expect(joinUrl('http://127.0.0.1:3000/sandbox/', 'api/v3/time').toString()).toBe(
      'http://127.0.0.1:3000/sandbox/api/v3/time',
    );
    expect(joinUrl('https://api.coinbase.com', '/api/v3/brokerage/orders/historical/fills').toString()).toBe(
      'https://api.coinbase.com/api/v3/brokerage/orders/historical/fills',
    );
  });
});
