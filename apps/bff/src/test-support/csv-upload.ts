import { randomUUID } from 'node:crypto';
import { mutationHeaders, type TestClient } from '../modules/auth/auth.test-support';

/** `POST /api/imports/csv` as the browser sends it: a multipart form with the broker and the file. */
export async function uploadCsv(client: TestClient, broker: string, csv: string, filename = 'fills.csv') {
  const boundary = '----tt-test-boundary';
  const body = [
    `--${boundary}\r\nContent-Disposition: form-data; name="broker"\r\n\r\n${broker}\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
    `--${boundary}--\r\n`,
  ].join('');
  return client.request({
    method: 'POST',
    url: '/api/imports/csv',
    headers: await mutationHeaders(client, { 'content-type': `multipart/form-data; boundary=${boundary}` }),
    payload: body,
  });
}

export interface CsvFill {
  product: string;
  side: 'BUY' | 'SELL';
  daysAgo: number;
  size: string;
  price: string;
  /** What the fill moved in the quote currency, after a fee of 1 (negative for a buy). */
  total: string;
}

/** A Coinbase fills export of recent fills (the sandbox market, and so its vendor, begins in 2025). */
export function recentCoinbaseCsv(fills: readonly CsvFill[], now = Date.now()): string {
  const header =
    'portfolio,trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit';
  const rows = fills.map((f) =>
    [
      'default',
      randomUUID(),
      f.product,
      f.side,
      new Date(now - f.daysAgo * 86_400_000).toISOString(),
      f.size,
      f.product.split('-')[0],
      f.price,
      '1',
      f.total,
      'USD',
    ].join(','),
  );
  return [header, ...rows].join('\n');
}

/** Round trips in BTC-USD (both exchanges list it) and LTC-USD (only the sandbox's vendor does). */
export const VENDOR_CSV_FILLS: readonly CsvFill[] = [
  { product: 'BTC-USD', side: 'BUY', daysAgo: 12, size: '0.01', price: '90000', total: '-901' },
  { product: 'BTC-USD', side: 'SELL', daysAgo: 4, size: '0.01', price: '95000', total: '949' },
  { product: 'LTC-USD', side: 'BUY', daysAgo: 10, size: '2', price: '100', total: '-201' },
  { product: 'LTC-USD', side: 'SELL', daysAgo: 3, size: '2', price: '110', total: '219' },
];
