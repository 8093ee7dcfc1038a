import Decimal from 'decimal.js';
import fc from 'fast-check';
import type { RawFill } from '@tt/shared';
import { describe, expect, it } from 'vitest';
import { normalizeDecimal } from '../core/decimal';
import { parseTradeCsv } from './parse-trade-csv';

const positive = fc
  .tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 8 }))
  .filter(([units]) => units > 0)
  .map(([units, scale]) => new Decimal(units).dividedBy(new Decimal(10).pow(scale)).toFixed(scale));
const nonNegative = fc
  .tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 10 }))
  .map(([units, scale]) => new Decimal(units).dividedBy(new Decimal(10).pow(scale)).toFixed(scale));
const seconds = fc.integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 });
const pair = fc.constantFrom(
  ['BTC', 'USDT'],
  ['ETH', 'BTC'],
  ['SOL', 'USDC'],
  ['DOGE', 'FDUSD'],
  ['BNB', 'EUR'],
);

const generatedFill = fc.record({
  pair,
  side: fc.constantFrom('BUY', 'SELL'),
  qty: positive,
  price: positive,
  fee: nonNegative,
  second: seconds,
  micros: fc.integer({ min: 0, max: 999_999 }),
});
type Gen = typeof generatedFill extends fc.Arbitrary<infer T> ? T : never;

const spaced = (epochSeconds: number) =>
  new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

function expectSame(parsed: RawFill, gen: Gen, ts: string) {
  expect(parsed.symbol).toBe(`${gen.pair[0]}-${gen.pair[1]}`);
  expect(parsed.side).toBe(gen.side);
  expect(parsed.qty).toBe(normalizeDecimal(gen.qty));
  expect(parsed.price).toBe(normalizeDecimal(gen.price));
  expect(parsed.fee).toBe(normalizeDecimal(gen.fee));
  expect(parsed.ts).toBe(ts);
}

describe('parseTradeCsv round trip', () => {
  it('Coinbase fills report: every field, microseconds and decimals exactly', () => {
    fc.assert(
      fc.property(fc.array(generatedFill, { minLength: 1, maxLength: 30 }), (rows) => {
        const lines = rows.map((g, i) => {
          const ts = `${new Date(g.second * 1000).toISOString().slice(0, 19)}.${String(g.micros).padStart(6, '0')}Z`;
          return `default,trade-${i},${g.pair[0]}-${g.pair[1]},${g.side},${ts},${g.qty},${g.pair[0]},${g.price},${g.fee},0,${g.pair[1]}`;
        });
        const header =
          'portfolio,trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit';
        const { fills } = parseTradeCsv([header, ...lines].join('\n'), 'coinbase');
        expect(fills).toHaveLength(rows.length);
        fills.forEach((fill, i) => {
          const g = rows[i]!;
          const frac = String(g.micros).padStart(6, '0');
          const expectedFrac = frac.endsWith('000') ? frac.slice(0, 3) : frac;
          expectSame(fill, g, `${new Date(g.second * 1000).toISOString().slice(0, 19)}.${expectedFrac}Z`);
          expect(fill.extId).toBe(`trade-${i}`);
        });
      }),
    );
  });

  it('Binance statement layout: amounts glued to assets, thousands separators', () => {
    fc.assert(
      fc.property(fc.array(generatedFill, { minLength: 1, maxLength: 30 }), (rows) => {
        const withCommas = (d: string) => {
          const [int, frac] = d.split('.');
          return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
        };
        const lines = rows.map((g) =>
          [
            spaced(g.second),
            `${g.pair[0]}${g.pair[1]}`,
            g.side,
            withCommas(g.price),
            `${g.qty}${g.pair[0]}`,
            `${withCommas(new Decimal(g.qty).times(g.price).toFixed())}${g.pair[1]}`,
            `${g.fee}${g.pair[1]}`,
          ]
            .map((cell) => `"${cell}"`)
            .join(','),
        );
        const { fills } = parseTradeCsv(
          ['"Date(UTC)","Pair","Side","Price","Executed","Amount","Fee"', ...lines].join('\n'),
          'binance',
        );
        expect(fills).toHaveLength(rows.length);
        fills.forEach((fill, i) =>
          expectSame(fill, rows[i]!, new Date(rows[i]!.second * 1000).toISOString()),
        );
        expect(new Set(fills.map((f) => f.extId)).size).toBe(fills.length);
      }),
    );
  });

  it('Binance older layout: re-importing a file gives the same extIds', () => {
    fc.assert(
      fc.property(fc.array(generatedFill, { minLength: 1, maxLength: 30 }), (rows) => {
        const text = [
          'Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin',
          ...rows.map((g) =>
            [
              spaced(g.second),
              `${g.pair[0]}${g.pair[1]}`,
              g.side,
              g.price,
              g.qty,
              '0',
              g.fee,
              g.pair[1],
            ].join(','),
          ),
        ].join('\n');
        const first = parseTradeCsv(text, 'binance').fills;
        first.forEach((fill, i) =>
          expectSame(fill, rows[i]!, new Date(rows[i]!.second * 1000).toISOString()),
        );
        expect(parseTradeCsv(text, 'binance').fills.map((f) => f.extId)).toEqual(first.map((f) => f.extId));
      }),
    );
  });
});
