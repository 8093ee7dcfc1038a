import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

describe('safeNext', () => {
  it('returns to a page of ours and nowhere else', () => {
    expect(safeNext('/trades/abc?x=1', '/trades')).toBe('/trades/abc?x=1');
    expect(safeNext('https://evil.example', '/trades')).toBe('/trades');
    expect(safeNext('//evil.example', '/trades')).toBe('/trades');
    expect(safeNext('/\\evil.example', '/trades')).toBe('/trades');
    expect(safeNext(null, '/connect')).toBe('/connect');
  });
});
