import { Dec as Decimal, ratio } from '../../lib/money';

/** A stored fill as pairing needs it; quantities, prices and fees are exact decimal strings. */
export interface PairableFill {
  id: string;
  side: 'BUY' | 'SELL';
  qty: string;
  price: string;
  /** Fee in the quote currency. */
  feeQuote: string;
  ts: Date;
}

/** One FIFO match of (part of) an entry against (part of) an exit, or an entry's open remainder. */
export interface PositionLot {
  entryTradeId: string;
  exitTradeId: string | null;
  qty: string;
  entryPrice: string;
  exitPrice: string | null;
  entryFee: string;
  exitFee: string | null;
  entryTs: Date;
  exitTs: Date | null;
  heldHours: number | null;
  /** Quote currency, after both fees. */
  pnlQuote: string | null;
  /** pnlQuote as a fraction of cost (entry value plus entry fee). */
  pnlPct: number | null;
}

export interface PairingResult {
  lots: PositionLot[];
  /** Sold quantity with no earlier buy in the window (bought before the import began), per exit fill. */
  unmatchedExits: { tradeId: string; qty: string; fee: string }[];
}

interface OpenLot {
  fill: PairableFill;
  qty: Decimal;
  fee: Decimal;
  remaining: Decimal;
  /** Fee of the entry fill not yet allocated to a lot; the last lot takes the rest, so fees add up exactly. */
  feeLeft: Decimal;
}

const HOUR_MS = 3_600_000;

/** Chronological, with ties broken by id so pairing is the same whatever order rows arrive in. */
export function chronological(a: PairableFill, b: PairableFill): number {
  return a.ts.getTime() - b.ts.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function share(fee: Decimal, part: Decimal, whole: Decimal, feeLeft: Decimal, isLast: boolean): Decimal {
  return isLast ? feeLeft : fee.mul(part).div(whole).toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN);
}

/**
 * Pairs one (user, broker, symbol) series of fills first-in first-out. Partial fills and partial
 * exits split lots; each fill's fee is spread over the lots it takes part in, pro rata by quantity,
 * with the last lot taking the remainder so that quantities and fees are conserved exactly.
 */
export function pairFifo(fills: readonly PairableFill[]): PairingResult {
  const ordered = [...fills].sort(chronological);
  // A queue: `head` is the oldest lot still open (Array#shift would copy the queue at every exit).
  const open: OpenLot[] = [];
  let head = 0;
  const lots: PositionLot[] = [];
  const unmatchedExits: PairingResult['unmatchedExits'] = [];

  for (const fill of ordered) {
    const qty = new Decimal(fill.qty);
    const fee = new Decimal(fill.feeQuote);
    if (fill.side === 'BUY') {
      open.push({ fill, qty, fee, remaining: qty, feeLeft: fee });
      continue;
    }
    let toClose = qty;
    let exitFeeLeft = fee;
    while (toClose.gt(0) && head < open.length) {
      const lot = open[head]!;
      const take = Decimal.min(lot.remaining, toClose);
      const entryFee = share(lot.fee, take, lot.qty, lot.feeLeft, take.eq(lot.remaining));
      const exitFee = share(fee, take, qty, exitFeeLeft, take.eq(toClose));
      lot.remaining = lot.remaining.minus(take);
      lot.feeLeft = lot.feeLeft.minus(entryFee);
      toClose = toClose.minus(take);
      exitFeeLeft = exitFeeLeft.minus(exitFee);
      lots.push(closedLot(lot.fill, fill, take, entryFee, exitFee));
      if (lot.remaining.isZero()) head++;
    }
    if (toClose.gt(0))
      unmatchedExits.push({ tradeId: fill.id, qty: toClose.toFixed(), fee: exitFeeLeft.toFixed() });
  }
  for (const lot of open.slice(head)) {
    lots.push({
      entryTradeId: lot.fill.id,
      exitTradeId: null,
      qty: lot.remaining.toFixed(),
      entryPrice: lot.fill.price,
      exitPrice: null,
      entryFee: lot.feeLeft.toFixed(),
      exitFee: null,
      entryTs: lot.fill.ts,
      exitTs: null,
      heldHours: null,
      pnlQuote: null,
      pnlPct: null,
    });
  }
  return { lots, unmatchedExits };
}

function closedLot(
  entry: PairableFill,
  exit: PairableFill,
  qty: Decimal,
  entryFee: Decimal,
  exitFee: Decimal,
): PositionLot {
  const cost = qty.mul(entry.price).plus(entryFee);
  const proceeds = qty.mul(exit.price).minus(exitFee);
  const pnl = proceeds.minus(cost);
  return {
    entryTradeId: entry.id,
    exitTradeId: exit.id,
    qty: qty.toFixed(),
    entryPrice: entry.price,
    exitPrice: exit.price,
    entryFee: entryFee.toFixed(),
    exitFee: exitFee.toFixed(),
    entryTs: entry.ts,
    exitTs: exit.ts,
    heldHours: (exit.ts.getTime() - entry.ts.getTime()) / HOUR_MS,
    pnlQuote: pnl.toFixed(),
    pnlPct: ratio(pnl, cost),
  };
}
