import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakeFetch } from '../test-support/fake-fetch';
import { formatTwelveDataDate, HOUR_MS } from './twelvedata-candles';
import { createTwelveDataSource } from './twelvedata.source';

const NOW = Date.UTC(2026, 10, 25, 12, 30);
const HOUR = Date.UTC(2026, 10, 25, 11);

/** Decimal strings as a vendor may print them: padded with leading and trailing zeros, up to 30 digits. */
const decimalText = fc
  .tuple(
    fc.string({ unit: fc.constantFrom('0'), maxLength: 3 }),
    fc.stringMatching(/^[0-9]{1,15}$/),
    fc.option(fc.stringMatching(/^[0-9]{1,15}$/), { nil: undefined }),
  )
  .map(([zeros, whole, fraction]) => `${zeros}${whole}${fraction === undefined ? '' : `.${fraction}`}`);

describe('Twelve Data bars to candles', () => {
  it('keeps every decimal exact, in canonical form, through JSON and the source', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(decimalText, { minLength: 5, maxLength: 5 }), async (texts) => {
        const [open, high, low, close, volume] = texts as [string, string, string, string, string];
        const { fetch } = createFakeFetch(() => ({
          json: {
            meta: { symbol: 'BTC/USD', interval: '1h' },
            values: [{ datetime: formatTwelveDataDate(HOUR), open, high, low, close, volume }],
            status: 'ok',
          },
        }));
        const source = createTwelveDataSource({
          baseUrl: 'https://api.twelvedata.example',
          apiKey: 'k',
          requestsPerMinute: 1_000,
          fetch,
          now: () => NOW,
        });
        const [candle] = await source.fetchHourly({
          base: 'BTC',
          quote: 'USD',
          since: new Date(HOUR),
          until: new Date(HOUR + HOUR_MS - 1),
        });
        const out = [candle!.open, candle!.high, candle!.low, candle!.close, candle!.volume];
        out.forEach((value, i) => {
          expect(scaled(value)).toBe(scaled(texts[i]!));
          expect(value).toMatch(/^(0|[1-9]\d*)(\.\d*[1-9])?$/);
        });
      }),
    );
  });
});

/** The value × 10^20 as a BigInt: equal only when every digit is kept. */
function scaled(text: string): bigint {
  const [whole = '', fraction = ''] = text.split('.');
  return BigInt(whole + fraction.padEnd(20, '0'));
}
