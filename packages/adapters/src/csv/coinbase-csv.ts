import {
  absDecimal,
  divideDecimals,
  isPositiveDecimal,
  multiplyDecimals,
  subtractDecimals,
} from '../core/decimal';
import { parseExactTime } from '../core/time';
import { coinbaseSpotProduct } from '../coinbase/coinbase-normalize';
import { type RowResult, rowError } from './csv-fill';
import type { CsvFormat } from './csv-format';
import { assetCell, decimalCell } from './csv-values';

/**
 * Coinbase's fills report (Advanced Trade, formerly Coinbase Pro): one row per fill with the
 * trade id, so extId equals the API's `trade_id` and the two never double.
 */
export const coinbaseFillsFormat: CsvFormat = {
  id: 'coinbase-fills',
  broker: 'coinbase',
  headers: [
    'trade id',
    'product',
    'side',
    'created at',
    'size',
    'size unit',
    'price',
    'fee',
    'price/fee/total unit',
  ],
  convert(row): RowResult {
    const tradeId = row('trade id').trim();
    if (!tradeId) return rowError('trade id is empty');
    const product = coinbaseSpotProduct(row('product').trim());
    if (!product)
      return /^[\w]+(-[\w]+){2,}$/.test(row('product').trim())
        ? { kind: 'skip' }
        : rowError('product is not BASE-QUOTE');
    const side = row('side').trim().toUpperCase();
    if (side !== 'BUY' && side !== 'SELL') return rowError('side must be BUY or SELL');
    const ts = parseExactTime(row('created at'), { assumeUtc: true });
    if (!ts) return rowError('created at is not a time');
    const size = decimalCell(row('size'));
    const price = decimalCell(row('price'));
    const fee = decimalCell(row('fee'));
    if (!size || !isPositiveDecimal(absDecimal(size))) return rowError('size is not a positive decimal');
    if (!price || !isPositiveDecimal(price)) return rowError('price is not a positive decimal');
    if (fee === undefined) return rowError('fee is not a decimal');
    const sizeUnit = assetCell(row('size unit'));
    const unit = assetCell(row('price/fee/total unit'));
    if (!unit) return rowError('price/fee/total unit is not an asset');
    let qty: string;
    if (sizeUnit === product.base) qty = absDecimal(size);
    else if (sizeUnit === product.quote) qty = divideDecimals(absDecimal(size), price);
    else return rowError(`size unit must be ${product.base} or ${product.quote}`);
    return {
      kind: 'fill',
      fill: {
        broker: 'coinbase',
        extId: tradeId,
        symbol: `${product.base}-${product.quote}`,
        side,
        qty,
        price,
        fee: absDecimal(fee),
        feeAsset: unit,
        ts,
        source: 'csv',
      },
    };
  },
};

const TRADE_TYPES = new Set(['Buy', 'Sell', 'Advanced Trade Buy', 'Advanced Trade Sell']);
/** "Bought 0.001 BTC for 43.2 USDC on BTC-USDC at 43000 USDC/BTC" (Advanced Trade rows). */
const ADVANCED_NOTE =
  /^(Bought|Sold) ([\d,]*\.?\d+) (\w+) for [$€£]?([\d,]*\.?\d+) (\w+) on (\w+)-(\w+) at [$€£]?([\d,]*\.?\d+) (\w+)\/(\w+)$/;

/**
 * Coinbase's transaction history ("Transactions" statement). Only Buy/Sell and Advanced Trade
 * Buy/Sell rows are trades; sends, receives, conversions, rewards are skipped. The report has no
 * trade id: its extId is `csv:txn:<ID>` (or a fingerprint-based `csv:` id for old reports without
 * an ID column), so duplicates of API fills are caught by `fillFingerprint`, not by extId.
 */
export const coinbaseTransactionsFormat: CsvFormat = {
  id: 'coinbase-transactions',
  broker: 'coinbase',
  headers: ['timestamp', 'transaction type', 'asset', 'quantity transacted', 'notes'],
  alternatives: [
    ['price currency', 'spot price currency'],
    ['price at transaction', 'spot price at transaction'],
    ['fees and/or spread'],
  ],
  convert(row): RowResult {
    const type = row('transaction type').trim();
    if (!TRADE_TYPES.has(type)) return { kind: 'skip' };
    const ts = parseExactTime(row('timestamp'), { assumeUtc: true });
    if (!ts) return rowError('Timestamp is not a time');
    const id = row('id').trim();
    const extId = id ? `csv:txn:${id}` : undefined;
    const side = type.endsWith('Buy') ? 'BUY' : 'SELL';
    if (type.startsWith('Advanced Trade')) {
      const note = ADVANCED_NOTE.exec(row('notes').trim());
      if (!note) return rowError('Notes do not describe the trade ("Bought … for … on BASE-QUOTE at …")');
      const [, , qtyText, , amountText, , base, quote, rateText] = note;
      const qty = decimalCell(qtyText!);
      const amount = decimalCell(amountText!);
      const price = decimalCell(rateText!);
      if (!qty || !amount || !price || !isPositiveDecimal(qty) || !isPositiveDecimal(price)) {
        return rowError('Notes carry an invalid amount');
      }
      return {
        kind: 'fill',
        fill: {
          broker: 'coinbase',
          ...(extId ? { extId } : {}),
          symbol: `${base!.toUpperCase()}-${quote!.toUpperCase()}`,
          side,
          qty,
          price,
          fee: absDecimal(subtractDecimals(multiplyDecimals(qty, price), amount)),
          feeAsset: quote!.toUpperCase(),
          ts,
          source: 'csv',
        },
      };
    }
    const asset = assetCell(row('asset'));
    const currency = assetCell(row('price currency') || row('spot price currency'));
    const qty = decimalCell(row('quantity transacted'));
    const price = decimalCell(row('price at transaction') || row('spot price at transaction'));
    const fee = decimalCell(row('fees and/or spread')) ?? '0';
    if (!asset) return rowError('Asset is not an asset code');
    if (!currency) return rowError('Price Currency is not a currency code');
    if (!qty || !isPositiveDecimal(absDecimal(qty)))
      return rowError('Quantity Transacted is not a non-zero decimal');
    if (!price || !isPositiveDecimal(price))
      return rowError('Price at Transaction is not a positive decimal');
    return {
      kind: 'fill',
      fill: {
        broker: 'coinbase',
        ...(extId ? { extId } : {}),
        symbol: `${asset}-${currency}`,
        side,
        qty: absDecimal(qty),
        price,
        fee: absDecimal(fee),
        feeAsset: currency,
        ts,
        source: 'csv',
      },
    };
  },
};
