import { describe, expect, it } from 'vitest';
import { appErrorThrownBy } from '../test-support/app-error';
import { fixtureText } from '../test-support/fake-fetch';
import { parseTradeCsv } from './parse-trade-csv';

describe('parseTradeCsv', () => {
  it('reads the Coinbase fills report with extIds equal to the API trade_id', () => {
    const { fills, skipped, format } = parseTradeCsv(fixtureText('csv/coinbase-fills.csv'), 'coinbase');
    expect(format).toBe('coinbase-fills');
    expect(skipped).toBe(0);
    expect(fills[0]).toEqual({
      broker: 'coinbase',
      extId: '9b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      symbol: 'BTC-USD',
      side: 'BUY',
      qty: '0.015',
      price: '67812.43',
      fee: '4.0687458',
      feeAsset: 'USD',
      ts: '2024-05-30T14:22:31.123456Z',
      source: 'csv',
    });
    expect(fills.map((f) => f.symbol)).toEqual(['BTC-USD', 'ETH-USDC', 'DOGE-USD']);
  });

  it('reads the Coinbase transactions statement past its preamble and skips non-trades', () => {
    const { fills, skipped, format } = parseTradeCsv(
      fixtureText('csv/coinbase-transactions.csv'),
      'coinbase',
    );
    expect(format).toBe('coinbase-transactions');
    expect(skipped).toBe(2);
    expect(fills).toHaveLength(3);
    expect(fills[0]).toMatchObject({
      extId: 'csv:txn:665f1a2b3c4d5e6f7a8b9c0d',
      symbol: 'BTC-USD',
      side: 'BUY',
      qty: '0.015',
      price: '67812.43',
      fee: '4.0687458',
      feeAsset: 'USD',
      ts: '2024-05-30T14:22:31.000Z',
    });
    expect(fills[2]).toMatchObject({
      symbol: 'ETH-USD',
      side: 'SELL',
      qty: '0.5',
      price: '3745.1',
      fee: '22.55',
    });
  });

  it('reads both Binance trade-history layouts', () => {
    const older = parseTradeCsv(fixtureText('csv/binance-trade-history.csv'), 'binance');
    expect(older.format).toBe('binance-trade-history');
    expect(older.fills.map((f) => [f.symbol, f.side, f.qty, f.feeAsset])).toEqual([
      ['BTC-USDT', 'BUY', '0.0149', 'BTC'],
      ['BTC-USDT', 'BUY', '0.0149', 'BTC'],
      ['BTC-USDT', 'SELL', '0.015', 'BNB'],
      ['ETH-BTC', 'SELL', '1.5', 'BTC'],
    ]);
    // Two identical executions in one second stay two fills with distinct, stable extIds.
    expect(older.fills[0]!.extId).toBe('csv:1717072951000:BTC-USDT:BUY:0.0149@67120.01#1');
    expect(older.fills[1]!.extId).toBe('csv:1717072951000:BTC-USDT:BUY:0.0149@67120.01#2');

    const statement = parseTradeCsv(fixtureText('csv/binance-trade-statement.csv'), 'binance');
    expect(statement.format).toBe('binance-trade-statement');
    expect(statement.fills[0]).toMatchObject({
      symbol: 'BTC-USDT',
      qty: '0.0149',
      price: '67120.01',
      fee: '0.0000149',
      feeAsset: 'BTC',
    });
    expect(statement.fills[2]).toMatchObject({
      symbol: 'SOL-USDT',
      side: 'BUY',
      qty: '10',
      fee: '0.01',
      feeAsset: 'SOL',
    });
  });

  it('rejects the whole file and names every bad line', () => {
    const error = appErrorThrownBy(() =>
      parseTradeCsv(fixtureText('csv/binance-trade-history-bad.csv'), 'binance'),
    );
    expect(error.code).toBe('CSV.INVALID_ROWS');
    expect(error.status).toBe(422);
    expect(error.errors?.map((e) => e.field)).toEqual(['line 3', 'line 4', 'line 6', 'line 7']);
    expect(error.errors?.[1]?.message).toMatch(/BUY or SELL/);
    expect(error.errors?.[3]?.message).toMatch(/expected 8 columns, found 6/);
  });

  it('numbers lines of the file, preamble and quoted line breaks included', () => {
    const text = [
      'Transactions',
      'User,A,b',
      '',
      'ID,Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,Total (inclusive of fees and/or spread),Fees and/or Spread,Notes',
      'a1,2024-05-29 10:00:00 UTC,Buy,SOL,2.5,USD,$150.00,$375.00,$380.00,$5.00,"Bought 2.5 SOL',
      'for $380.00"',
      'a2,2024-05-29 10:00:00 UTC,Buy,SOL,2.5,USD,oops,$375.00,$380.00,$5.00,',
    ].join('\n');
    const error = appErrorThrownBy(() => parseTradeCsv(text, 'coinbase'));
    expect(error.errors).toEqual([
      { field: 'line 7', message: 'Price at Transaction is not a positive decimal' },
    ]);
  });

  it('refuses a file of the other broker or of no known layout with 400', () => {
    const wrong = appErrorThrownBy(() => parseTradeCsv(fixtureText('csv/coinbase-fills.csv'), 'binance'));
    expect([wrong.code, wrong.status]).toEqual(['CSV.UNKNOWN_FORMAT', 400]);
    expect(wrong.detail).toMatch(/Coinbase export/);
    expect(appErrorThrownBy(() => parseTradeCsv('a,b,c\n1,2,3\n', 'coinbase')).code).toBe(
      'CSV.UNKNOWN_FORMAT',
    );
    expect(appErrorThrownBy(() => parseTradeCsv(' \n', 'coinbase')).code).toBe('CSV.EMPTY');
  });

  it('reports an unterminated quote as a bad line', () => {
    const text =
      'Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n2024-05-30 12:42:31,"BTCUSDT,BUY,1,1,1,0,BTC\n';
    const error = appErrorThrownBy(() => parseTradeCsv(text, 'binance'));
    expect(error.code).toBe('CSV.INVALID_ROWS');
    expect(error.errors?.[0]?.field).toMatch(/^line \d+$/);
  });

  it('flags a trade id repeated with other values and skips an exact repeat', () => {
    const header =
      'portfolio,trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit';
    const row = 'default,t-1,BTC-USD,BUY,2024-05-30T14:22:31Z,0.1,BTC,100,0.1,-10.1,USD';
    expect(parseTradeCsv([header, row, row].join('\n'), 'coinbase').skipped).toBe(1);
    const clash = appErrorThrownBy(() =>
      parseTradeCsv([header, row, row.replace('0.1,BTC', '0.2,BTC')].join('\n'), 'coinbase'),
    );
    expect(clash.errors).toEqual([
      { field: 'line 3', message: 'trade t-1 also appears on line 2 with other values' },
    ]);
  });
});
