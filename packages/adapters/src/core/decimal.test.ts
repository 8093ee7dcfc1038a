import Decimal from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideDecimals, multiplyDecimals, normalizeDecimal, subtractDecimals } from './decimal';

const decimalText = fc
  .tuple(
    fc.constantFrom('', '+', '-'),
    fc.stringMatching(/^\d{1,20}$/),
    fc.option(fc.stringMatching(/^\d{0,18}$/), { nil: undefined }),
  )
  .map(([sign, int, frac]) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}`);

describe('normalizeDecimal', () => {
  it('canonicalises without changing the value', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const out = normalizeDecimal(text);
        expect(out).toBeDefined();
        expect(new Decimal(out!).equals(new Decimal(text))).toBe(true);
        expect(out).toMatch(/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
        expect(normalizeDecimal(out!)).toBe(out);
      }),
    );
  });

  it('strips padding and the sign of zero', () => {
    expect(normalizeDecimal('0.01500000')).toBe('0.015');
    expect(normalizeDecimal('00067812.430')).toBe('67812.43');
    expect(normalizeDecimal('-0.000')).toBe('0');
    expect(normalizeDecimal('+5.')).toBe('5');
    expect(normalizeDecimal('.5')).toBe('0.5');
    expect(normalizeDecimal('1e-8')).toBe('0.00000001');
  });

  it('rejects what is not a decimal', () => {
    for (const bad of ['', '.', '-', '1,000', 'abc', '1.2.3', 'NaN', '0x10'])
      expect(normalizeDecimal(bad)).toBeUndefined();
  });
});

describe('decimal arithmetic', () => {
  it('multiplies and subtracts exactly', () => {
    expect(multiplyDecimals('0.015', '67812.43')).toBe('1017.18645');
    expect(subtractDecimals('1021.2551958', '1017.18645')).toBe('4.0687458');
    expect(multiplyDecimals('0.1', '0.2')).toBe('0.02');
  });

  it('divides to 18 places half-even', () => {
    expect(divideDecimals('300', '150')).toBe('2');
    expect(divideDecimals('100', '3')).toBe('33.333333333333333333');
  });
});
