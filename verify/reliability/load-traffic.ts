import { round } from '../lib/stats';
import type { SeededTrader } from './load-seed';

/** Reads one gauge from a Prometheus text page. */
export async function gauge(metricsUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

export async function memoryOf(metricsUrl: string) {
  const mb = (bytes: number | undefined) => (bytes === undefined ? null : round(bytes / 2 ** 20));
  return {
    heapUsedMb: mb(await gauge(metricsUrl, 'nodejs_heap_size_used_bytes')),
    rssMb: mb(await gauge(metricsUrl, 'process_resident_memory_bytes')),
  };
}

/** The request mix: first pages, deep keyset pages, and a symbol filter, each trader with their own session. */
export function tradesRequest(traders: SeededTrader[]) {
  return (i: number) => {
    const trader = traders[i % traders.length]!;
    const kind = i % 20;
    const path =
      kind < 12
        ? '/api/trades'
        : kind < 17 && trader.deepCursor
          ? `/api/trades?cursor=${trader.deepCursor}`
          : '/api/trades?symbol=BTC-USD&limit=50';
    return { path, cookie: trader.cookie };
  };
}
