import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decimalSign,
  formatDecimal,
  formatHours,
  formatMoney,
  formatPercent,
  fractionToPercentInput,
  percentInputToFraction,
  roundDecimal,
} from './format';

describe('roundDecimal', () => {
  it('rounds half away from zero without floats', () => {
    expect(roundDecimal('1.005', 2)).toBe('1.01');
    expect(roundDecimal('-1.005', 2)).toBe('-1.01');
    expect(roundDecimal('0.1', 0)).toBe('0');
    expect(roundDecimal('9.995', 2)).toBe('10.00');
    expect(roundDecimal('-0.004', 2)).toBe('0.00');
  });

  it('agrees with exact integer arithmetic for any decimal', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 8 }),
        (units, scale, digits) => {
          const negative = units < 0n;
          const abs = (negative ? -units : units).toString().padStart(scale + 1, '0');
          const text = `${negative ? '-' : ''}${scale ? `${abs.slice(0, -scale)}.${abs.slice(-scale)}` : abs}`;
          const expectedUnits = (() => {
            const magnitude = negative ? -units : units;
            if (digits >= scale) return magnitude * 10n ** BigInt(digits - scale);
            const divisor = 10n ** BigInt(scale - digits);
            return (magnitude + divisor / 2n) / divisor;
          })();
          const rounded = roundDecimal(text, digits);
          expect(BigInt(rounded.replace('.', '').replace('-', ''))).toBe(expectedUnits);
          expect(rounded.startsWith('-')).toBe(negative && expectedUnits !== 0n);
        },
      ),
    );
  });

  it('refuses text that is not a decimal', () => {
    expect(() => roundDecimal('1e5', 2)).toThrow(RangeError);
  });
});

describe('formatDecimal', () => {
  it('groups thousands and trims trailing zeros', () => {
    expect(formatDecimal('1234567.50000')).toBe('1,234,567.5');
    expect(formatDecimal('0.00012300')).toBe('0.000123');
  });

  it('writes negatives with a real minus sign and signs gains on request', () => {
    expect(formatDecimal('-3.456', { maxDigits: 2 })).toBe('\u22123.46');
    expect(formatDecimal('3.4', { maxDigits: 2, minDigits: 2, signed: true })).toBe('+3.40');
    expect(formatDecimal('0.000', { signed: true })).toBe('0');
  });

  it('shows a dash for missing values', () => {
    expect(formatDecimal(null)).toBe('—');
    expect(formatDecimal('abc')).toBe('—');
  });
});

describe('formatMoney', () => {
  it('always shows two decimals', () => {
    expect(formatMoney('12')).toBe('12.00');
    expect(formatMoney('-12.345', true)).toBe('\u221212.35');
    expect(formatMoney('0.004', true)).toBe('0.00');
  });
});

describe('decimalSign', () => {
  it('reads the sign of a decimal string', () => {
    expect(decimalSign('-0.5')).toBe(-1);
    expect(decimalSign('0.000')).toBe(0);
    expect(decimalSign('-0')).toBe(0);
    expect(decimalSign('12')).toBe(1);
    expect(decimalSign(null)).toBe(0);
  });
});

describe('formatPercent', () => {
  it('shows fractions as percents', () => {
    expect(formatPercent(0.08, 0)).toBe('8%');
    expect(formatPercent(0.0842)).toBe('8.4%');
    expect(formatPercent(-0.023, 1, true)).toBe('\u22122.3%');
    expect(formatPercent(0.05, 1, true)).toBe('+5%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('rule percents', () => {
  it('shows 0.08 as 8 and reads 8 back as 0.08', () => {
    expect(fractionToPercentInput(0.08)).toBe('8');
    expect(fractionToPercentInput(0.07)).toBe('7');
    expect(fractionToPercentInput(0.085)).toBe('8.5');
    expect(percentInputToFraction('8')).toBe(0.08);
    expect(percentInputToFraction(' 8.5 % ')).toBe(0.085);
    expect(percentInputToFraction('eight')).toBeNull();
  });

  it('round-trips every percent with up to four decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (tenThousandths) => {
        const text = String(tenThousandths / 10_000);
        const fraction = percentInputToFraction(text);
        expect(fraction).not.toBeNull();
        expect(fractionToPercentInput(fraction!)).toBe(text);
      }),
    );
  });
});

describe('formatHours', () => {
  it('picks a readable unit', () => {
    expect(formatHours(0.5)).toBe('30 min');
    expect(formatHours(5)).toBe('5 h');
    expect(formatHours(50)).toBe('2 d 2 h');
    expect(formatHours(null)).toBe('—');
  });
});
