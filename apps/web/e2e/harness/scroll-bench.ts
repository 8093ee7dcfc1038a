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
  /** Pixels per frame while scrolling: about three rows, a fast flick of the wheel or trackpad. */
  pxPerFrame: number;
  /** Where each measured run started, as a fraction of the list (top, middle, end). */
  segments: number[];
  frames: number;
  frameMs: { p50: number; p95: number; p99: number; max: number };
  /** Frames over 50 ms (a stutter a person sees). */
  longFrames: number;
  /** Frames over 1.5 × the median: at least one missed vsync. */
  droppedFrames: number;
  /** Rows in the DOM while scrolling: the virtualiser keeps this small whatever the row count. */
  renderedRows: number;
  /** Whether the very last trade was rendered after scrolling to the end. */
  lastRowReached: boolean;
}

export interface ScrollPlan {
  segments: number[];
  framesPerSegment: number;
  pxPerFrame: number;
}

// In-page code is a string: tsx would otherwise wrap its functions in a `__name` helper the page lacks.
const SCROLL_SCRIPT = `async ({ selector, plan }) => {
  const el = document.querySelector(selector);
  if (!el) throw new Error('no ' + selector);
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const rows = Number(el.querySelector('table')?.getAttribute('aria-rowcount') ?? 1) - 1;
  const deltas = [];
  let renderedRows = 0;
  for (const at of plan.segments) {
    el.scrollTop = Math.floor((el.scrollHeight - el.clientHeight) * at);
    await nextFrame();
    await nextFrame();
    let last = await nextFrame();
    for (let i = 0; i < plan.framesPerSegment; i += 1) {
      el.scrollTop += plan.pxPerFrame;
      const now = await nextFrame();
      deltas.push(now - last);
      last = now;
    }
    renderedRows = Math.max(renderedRows, el.querySelectorAll('tbody tr:not(.spacer)').length);
  }
  el.scrollTop = el.scrollHeight;
  await nextFrame();
  await nextFrame();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const lastRowReached = el.querySelector('tr[aria-rowindex="' + (rows + 1) + '"]') !== null;
  const sorted = [...deltas].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  const median = pct(50);
  const round = (x) => Math.round(x * 10) / 10;
  return {
    rows,
    pxPerFrame: plan.pxPerFrame,
    segments: plan.segments,
    frames: deltas.length,
    frameMs: { p50: round(median), p95: round(pct(95)), p99: round(pct(99)), max: round(sorted[sorted.length - 1]) },
    longFrames: deltas.filter((d) => d > 50).length,
    droppedFrames: deltas.filter((d) => d > median * 1.5).length,
    renderedRows,
    lastRowReached,
  };
}`;

/**
 * Scrolls the trades table a few rows per animation frame near the top, the middle and the end,
 * and records the time between frames in the page itself (requestAnimationFrame deltas).
 */
export async function measureScroll(page: Page, selector: string, plan: ScrollPlan): Promise<ScrollResult> {
  return (await page.evaluate(`(${SCROLL_SCRIPT})(${JSON.stringify({ selector, plan })})`)) as ScrollResult;
}
