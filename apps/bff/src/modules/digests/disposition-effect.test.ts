import { describe, expect, it } from 'vitest';
import { dispositionEffect, type HeldLot, type LotSale } from './disposition-effect';

const H = 3_600_000;
const MON = Date.parse('2026-11-02T00:00:00Z');

describe('dispositionEffect', () => {
  // Three symbols held; Monday sells BTC at a gain while ETH is under water and SOL is up;
  // Wednesday sells ETH at a loss while SOL is still up.
  const held: HeldLot[] = [
    { key: 'BTC', entryTs: MON - 48 * H, exitTs: MON + 10 * H, qty: 1, cost: 100 },
    { key: 'ETH', entryTs: MON - 48 * H, exitTs: MON + 58 * H, qty: 2, cost: 100 },
    { key: 'SOL', entryTs: MON - 48 * H, exitTs: null, qty: 10, cost: 100 },
  ];
  const sales: LotSale[] = [
    { key: 'BTC', ts: MON + 10 * H, pnl: 12 },
    { key: 'ETH', ts: MON + 58 * H, pnl: -7 },
  ];
  const marks: Record<string, number> = { ETH: 45, SOL: 11 };

  it('counts realised and paper gains and losses per day with a sale (hand-computed)', () => {
    const effect = dispositionEffect({ sales, held, markAt: (key) => marks[key] ?? null, timeZone: 'UTC' });
    // Monday: RG (BTC), PL (ETH 45 < 50 a unit), PG (SOL 11 > 10). Wednesday: RL (ETH), PG (SOL).
    expect(effect).toEqual({
      pgr: 1 / 3,
      plr: 1 / 2,
      difference: 1 / 3 - 1 / 2,
      realisedGains: 1,
      realisedLosses: 1,
      paperGains: 2,
      paperLosses: 1,
      saleDays: 2,
    });
  });

  it('groups sales by the local day, not the UTC day', () => {
    const lateSales: LotSale[] = [
      { key: 'BTC', ts: MON - 2 * H, pnl: 1 },
      { key: 'ETH', ts: MON + 1 * H, pnl: 1 },
    ];
    expect(
      dispositionEffect({ sales: lateSales, held: [], markAt: () => null, timeZone: 'UTC' })!.saleDays,
    ).toBe(2);
    expect(
      dispositionEffect({ sales: lateSales, held: [], markAt: () => null, timeZone: 'Asia/Tokyo' })!.saleDays,
    ).toBe(1);
  });

  it('is null without a sale', () => {
    expect(dispositionEffect({ sales: [], held, markAt: () => 1, timeZone: 'UTC' })).toBeNull();
  });
});
