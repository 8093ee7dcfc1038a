import { isPositiveDecimal } from '../core/decimal';
import { parseExactTime } from '../core/time';
import { type RowResult, rowError } from './csv-fill';
import type { CsvFormat } from './csv-format';
import { amountWithAsset, assetCell, decimalCell } from './csv-values';

/**
 * Quote assets, longest first, to split a market such as `BTCUSDT` when the export gives no
 * separate base and quote (the older Trade History layout).
 */
const QUOTE_ASSETS = [
  'FDUSD',
  'USDT',
  'USDC',
  'BUSD',
  'TUSD',
  'USDP',
  'AEUR',
  'EURI',
  'BIDR',
  'IDRT',
  'DAI',
  'BTC',
  'ETH',
  'BNB',
  'EUR',
  'GBP',
  'TRY',
  'BRL',
  'AUD',
  'RUB',
  'UAH',
  'NGN',
  'ZAR',
  'PLN',
  'RON',
  'ARS',
  'JPY',
  'MXN',
  'COP',
  'CZK',
  'XRP',
  'TRX',
  'DOGE',
  'DOT',
  'PAX',
  'VAI',
].sort((a, b) => b.length - a.length);

export function splitBinanceMarket(market: string): { base: string; quote: string } | undefined {
  const symbol = market.trim().toUpperCase().replace(/[-/_]/g, '');
  for (const quote of QUOTE_ASSETS) {
    if (symbol.length > quote.length && symbol.endsWith(quote))
      return { base: symbol.slice(0, -quote.length), quote };
  }
  return undefined;
}

function time(text: string): string | undefined {
  const value = text.trim();
  // Some exports write two-digit years (`21-03-04 10:00:00`).
  const full = /^\d{2}-\d{2}-\d{2} /.test(value) ? `20${value}` : value;
  return parseExactTime(full, { assumeUtc: true });
}

function side(text: string): 'BUY' | 'SELL' | undefined {
  const value = text.trim().toUpperCase();
  return value === 'BUY' || value === 'SELL' ? value : undefined;
}

/**
 * Binance "Trade History" export, older layout:
 * `Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin`. No trade id: extIds are `csv:…`.
 */
export const binanceTradeHistoryFormat: CsvFormat = {
  id: 'binance-trade-history',
  broker: 'binance',
  headers: ['date(utc)', 'market', 'type', 'price', 'amount', 'total', 'fee', 'fee coin'],
  convert(row): RowResult {
    const ts = time(row('date(utc)'));
    if (!ts) return rowError('Date(UTC) is not a time');
    const pair = splitBinanceMarket(row('market'));
    if (!pair) return rowError('Market is not a known BASE+QUOTE symbol');
    const s = side(row('type'));
    if (!s) return rowError('Type must be BUY or SELL');
    const price = decimalCell(row('price'));
    const qty = decimalCell(row('amount'));
    const fee = decimalCell(row('fee'));
    const feeAsset = assetCell(row('fee coin'));
    if (!price || !isPositiveDecimal(price)) return rowError('Price is not a positive decimal');
    if (!qty || !isPositiveDecimal(qty)) return rowError('Amount is not a positive decimal');
    if (fee === undefined) return rowError('Fee is not a decimal');
    if (!feeAsset) return rowError('Fee Coin is not an asset code');
    return {
      kind: 'fill',
      fill: {
        broker: 'binance',
        symbol: `${pair.base}-${pair.quote}`,
        side: s,
        qty,
        price,
        fee,
        feeAsset,
        ts,
        source: 'csv',
      },
    };
  },
};

/**
 * Binance "Trade History" export, statement layout with units inside the cells:
 * `Date(UTC),Pair,Side,Price,Executed,Amount,Fee` (`0.001BTC`, `16.5USDT`, `0.0000165BNB`).
 * No trade id: extIds are `csv:…`.
 */
export const binanceTradeStatementFormat: CsvFormat = {
  id: 'binance-trade-statement',
  broker: 'binance',
  headers: ['date(utc)', 'pair', 'side', 'price', 'executed', 'amount', 'fee'],
  convert(row): RowResult {
    const ts = time(row('date(utc)'));
    if (!ts) return rowError('Date(UTC) is not a time');
    const s = side(row('side'));
    if (!s) return rowError('Side must be BUY or SELL');
    const price = decimalCell(row('price'));
    if (!price || !isPositiveDecimal(price)) return rowError('Price is not a positive decimal');
    const executed = amountWithAsset(row('executed'));
    const amount = amountWithAsset(row('amount'));
    const fee = amountWithAsset(row('fee'));
    if (!executed || !isPositiveDecimal(executed.amount))
      return rowError('Executed is not a quantity with its asset');
    if (!amount) return rowError('Amount is not an amount with its asset');
    if (!fee) return rowError('Fee is not an amount with its asset');
    const pair = row('pair').trim().toUpperCase().replace(/[-/_]/g, '');
    if (pair !== `${executed.asset}${amount.asset}`)
      return rowError(`Pair ${pair} does not match ${executed.asset} and ${amount.asset}`);
    return {
      kind: 'fill',
      fill: {
        broker: 'binance',
        symbol: `${executed.asset}-${amount.asset}`,
        side: s,
        qty: executed.amount,
        price,
        fee: fee.amount,
        feeAsset: fee.asset,
        ts,
        source: 'csv',
      },
    };
  },
};
