import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { BrokerErrors, MarketDataErrors } from '@tt/adapters';
import type { Candle } from '@tt/shared';
import { getCoverage } from './candles.repository';
import { createMarketDataService, type CandleFetcher, type VendorCandles } from './market-data.service';

const HOUR = 3_600_000;
const NOW = new Date('2026-03-10T12:30:00Z');
const FROM = new Date('2026-03-09T00:00:00Z');
const TO = new Date('2026-03-09T05:00:00Z');

const hourly = (from: Date, to: Date, close: string): Candle[] => {
  const out: Candle[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += HOUR) {
    out.push({ ts: new Date(t).toISOString(), open: close, high: close, low: close, close, volume: '1' });
  }
  return out;
};

/** A fake vendor that records what it was asked for and answers with candles closing at `close`. */
function fakeVendor(close = '7.5', fail?: Error) {
  const calls: string[] = [];
  const vendor: VendorCandles = {
    name: 'fake',
    async fetchHourly({ base, quote, since, until }) {
      calls.push(`${base}/${quote} ${since.toISOString()}..${until.toISOString()}`);
      if (fail) throw fail;
      return hourly(since, until, close);
    },
  };
  return { vendor, calls };
}

const brokerAnswering =
  (close: string): CandleFetcher =>
  async (since, until) =>
    hourly(since, until, close);
const brokerNotListing: CandleFetcher = async () => {
  throw BrokerErrors.UNKNOWN_SYMBOL({ detail: 'not listed' });
};

describe('market data with a vendor standing in for the broker', () => {
  let database: DatabaseHandle;
  let symbolSeq = 0;
  const nextSymbol = () => `AS${++symbolSeq}-USD`;

  beforeAll(async () => {
    database = await openDatabase({ driver: 'pglite', dataDir: null });
  });
  afterAll(() => database.close());

  it('keeps to the broker when it serves the symbol; the vendor is never asked', async () => {
    const { vendor, calls } = fakeVendor();
    const service = createMarketDataService({ db: database.db, vendor, now: () => NOW });
    const symbol = nextSymbol();
    await service.ensureHourly('coinbase', symbol, FROM, TO, brokerAnswering('100'));
    const series = await service.series('coinbase', symbol, FROM, TO);
    expect(series.map((c) => c.close)).toEqual([100, 100, 100, 100, 100, 100]);
    expect(calls).toEqual([]);
    expect((await getCoverage(database.db, 'coinbase', symbol))?.provider).toBe('broker');
  });

  it('asks the vendor when the broker does not list the symbol, and goes straight to it next time', async () => {
    const { vendor, calls } = fakeVendor('7.5');
    const service = createMarketDataService({ db: database.db, vendor, now: () => NOW });
    const symbol = nextSymbol();
    await service.ensureHourly('coinbase', symbol, FROM, TO, brokerNotListing);
    expect((await service.series('coinbase', symbol, FROM, TO)).map((c) => c.close)).toEqual(
      Array(6).fill(7.5),
    );
    expect(calls).toEqual([`${symbol.replace('-', '/')} 2026-03-09T00:00:00.000Z..2026-03-09T05:00:00.000Z`]);
    expect((await getCoverage(database.db, 'coinbase', symbol))?.provider).toBe('vendor');

    let brokerAsked = false;
    const later = new Date(TO.getTime() + 2 * HOUR);
    await service.ensureHourly('coinbase', symbol, FROM, later, async () => {
      brokerAsked = true;
      return [];
    });
    expect(brokerAsked).toBe(false);
    expect(calls).toHaveLength(2);
    expect(await service.series('coinbase', symbol, FROM, later)).toHaveLength(8);
  });

  it('serves a series without a broker connection (a CSV import) from the vendor', async () => {
    const { vendor, calls } = fakeVendor('3');
    const service = createMarketDataService({ db: database.db, vendor, now: () => NOW });
    const symbol = nextSymbol();
    await service.ensureHourly('binance', symbol, FROM, TO, null);
    expect(await service.series('binance', symbol, FROM, TO)).toHaveLength(6);
    expect(calls).toHaveLength(1);
  });

  it('records a pair the vendor does not list as gaps, so it is not asked again', async () => {
    const { vendor, calls } = fakeVendor('1', MarketDataErrors.UNKNOWN_SYMBOL({ detail: 'not listed' }));
    const outcomes: string[] = [];
    const service = createMarketDataService({
      db: database.db,
      vendor,
      metrics: { observe: (name, outcome) => outcomes.push(`${name}:${outcome}`) },
      now: () => NOW,
    });
    const symbol = nextSymbol();
    await service.ensureHourly('coinbase', symbol, FROM, TO, null);
    await service.ensureHourly('coinbase', symbol, FROM, TO, null);
    expect(calls).toHaveLength(1);
    const coverage = await getCoverage(database.db, 'coinbase', symbol);
    expect(coverage).toMatchObject({ provider: 'vendor', coveredFrom: FROM, coveredTo: TO });
    expect(coverage?.gapHours).toHaveLength(6);
    expect(outcomes).toEqual(['fake:unknown_symbol']);
  });

  it('goes on without candles while the vendor is down, and asks again next time', async () => {
    const down = fakeVendor('1', MarketDataErrors.UNAVAILABLE({ detail: 'timed out' }));
    const warnings: string[] = [];
    const outcomes: string[] = [];
    const service = createMarketDataService({
      db: database.db,
      vendor: down.vendor,
      logger: { warn: (_fields: unknown, message: string) => warnings.push(message) },
      metrics: { observe: (_name, outcome) => outcomes.push(outcome) },
      now: () => NOW,
    });
    const symbol = nextSymbol();
    await expect(service.ensureHourly('coinbase', symbol, FROM, TO, null)).resolves.toBeUndefined();
    expect(warnings).toEqual(['vendor candles unavailable']);
    expect(outcomes).toEqual(['error']);
    expect(await getCoverage(database.db, 'coinbase', symbol)).toBeNull();

    const up = fakeVendor('2');
    await createMarketDataService({ db: database.db, vendor: up.vendor, now: () => NOW }).ensureHourly(
      'coinbase',
      symbol,
      FROM,
      TO,
      null,
    );
    expect(up.calls).toHaveLength(1);
  });

  it('without a vendor, a broker that does not list the symbol fails as before, and no connection means no candles', async () => {
    const service = createMarketDataService({ db: database.db, now: () => NOW });
    const symbol = nextSymbol();
    await expect(service.ensureHourly('coinbase', symbol, FROM, TO, brokerNotListing)).rejects.toMatchObject({
      code: 'BROKER.UNKNOWN_SYMBOL',
    });
    await service.ensureHourly('coinbase', symbol, FROM, TO, null);
    expect(await getCoverage(database.db, 'coinbase', symbol)).toBeNull();
  });
});
