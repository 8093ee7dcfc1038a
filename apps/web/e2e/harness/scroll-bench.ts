import type { Page } from 'playwright-core';

const LABELS = [
  'FOMO',
  'PANIC',
  'DISCIPLINE',
  'REVENGE',
  'OVERTRADING',
  'EARLY_EXIT',
  'LATE_EXIT',
  'NEUTRAL',
] as const;

/** `count` synthetic trades in the TradeDto shape, newest first, deterministic. */
export function syntheticTrades(count: number): unknown[] {
  const start = Date.parse('2025-01-31T23:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const exit = i % 2 === 1;
    const price = (40_000 + ((i * 7919) % 5000) + (i % 100) / 100).toFixed(2);
    return {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      broker: 'coinbase',
      extId: `bench-${i}`,
      symbol: i % 3 === 0 ? 'ETH-USD' : 'BTC-USD',
      side: exit ? 'SELL' : 'BUY',
      qty: (0.001 + (i % 50) / 1000).toFixed(6),
      price,
      fee: '0.12',
      feeAsset: 'USD',
      feeQuote: '0.12',
      ts: new Date(start - i * 4 * 60_000).toISOString(),
      source: 'api',
      labels: [
        { label: LABELS[i % LABELS.length], confidence: 0.5 + (i % 5) / 10 },
        ...(i % 4 === 0 ? [{ label: 'OVERTRADING', confidence: 0.55 }] : []),
      ],
      pnlQuote: exit ? ((i % 7) - 3 + 0.37).toFixed(2) : null,
      pnlPct: exit ? ((i % 7) - 3) / 100 : null,
      heldHours: exit ? (i % 30) + 0.5 : null,
    };
  });
}

export interface ScrollResult {
  rows: number;
  frames: number;
  scrolledPx: number;
  durationMs: number;
  frameMs: { p50: number; p95: number; p99: number; max: number };
  /** Frames over 50 ms (a "long frame" a person sees as a stutter). */
  longFrames: number;
  /** Frames over 1.5 × the median: a missed vsync at least. */
  droppedFrames: number;
  /** Rows in the DOM at the end: the virtualiser keeps this small whatever the row count. */
  renderedRows: number;
}

/**
 * Scrolls the trades table from top to bottom, one step per animation frame, and records the
 * time between frames in the page itself (requestAnimationFrame deltas).
 */
// In-page code is a string: tsx would otherwise wrap its functions in a `__name` helper the page lacks.
const SCROLL_SCRIPT = `async ({ selector, frames }) => {
  const el = document.querySelector(selector);
  if (!el) throw new Error('no ' + selector);
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const total = el.scrollHeight - el.clientHeight;
  const step = total / frames;
  const deltas = [];
  await nextFrame();
  let last = await nextFrame();
  const started = last;
  for (let i = 1; i <= frames; i += 1) {
    el.scrollTop = Math.round(step * i);
    const now = await nextFrame();
    deltas.push(now - last);
    last = now;
  }
  const sorted = [...deltas].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  const median = pct(50);
  const round = (x) => Math.round(x * 10) / 10;
  return {
    rows: Number(el.querySelector('table')?.getAttribute('aria-rowcount') ?? 1) - 1,
    frames,
    scrolledPx: el.scrollTop,
    durationMs: round(last - started),
    frameMs: { p50: round(median), p95: round(pct(95)), p99: round(pct(99)), max: round(sorted[sorted.length - 1]) },
    longFrames: deltas.filter((d) => d > 50).length,
    droppedFrames: deltas.filter((d) => d > median * 1.5).length,
    renderedRows: el.querySelectorAll('tbody tr:not(.spacer)').length,
  };
}`;

/**
 * Scrolls the trades table from top to bottom, one step per animation frame, and records the
 * time between frames in the page itself (requestAnimationFrame deltas).
 */
export async function measureScroll(page: Page, selector: string, frames: number): Promise<ScrollResult> {
  return (await page.evaluate(`(${SCROLL_SCRIPT})(${JSON.stringify({ selector, frames })})`)) as ScrollResult;
}
