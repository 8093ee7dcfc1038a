import { BIAS_LABELS, type BiasLabel, type DigestPayload, type SimulationPointSchema } from '@tt/shared';
import type { z } from 'zod';

type SimulationPoint = z.infer<typeof SimulationPointSchema>;

/** Simulation series as uPlot columns: unix seconds, actual, counterfactual (sorted by time). */
export function simulationColumns(series: SimulationPoint[]): [number[], number[], number[]] {
  const sorted = [...series].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  return [
    sorted.map((p) => Math.floor(Date.parse(p.ts) / 1000)),
    sorted.map((p) => p.actual),
    sorted.map((p) => p.counterfactual),
  ];
}

export interface StackedWeeks {
  /** Week starts, oldest first (x axis categories). */
  weeks: string[];
  /** Labels that occur in any week, in BIAS_LABELS order. */
  labels: BiasLabel[];
  /** Raw counts per label, one per week. */
  counts: Record<string, number[]>;
  /**
   * Cumulative tops per label for a stacked bar chart: label i's bar reaches the sum of labels
   * 0..i, so drawing the last label first and the first label last shows each as its own band.
   */
  tops: Record<string, number[]>;
}

/** The digest's weekly label history, stacked for a bar chart. */
export function stackWeeks(history: DigestPayload['history']): StackedWeeks {
  const labels = BIAS_LABELS.filter((label) => history.some((week) => (week.counts[label] ?? 0) > 0));
  const counts: Record<string, number[]> = {};
  const tops: Record<string, number[]> = {};
  const running = history.map(() => 0);
  for (const label of labels) {
    counts[label] = history.map((week) => week.counts[label] ?? 0);
    tops[label] = running.map((sum, i) => (running[i] = sum + counts[label]![i]!));
  }
  return { weeks: history.map((w) => w.weekStart), labels, counts, tops };
}

/** What each label cost in the week: the realised P&L of its trades, losses as positive costs. */
export function labelCosts(
  labels: DigestPayload['labels'],
): { label: BiasLabel; pnl: number; pnlText: string; count: number }[] {
  return labels
    .filter((l) => l.count > 0)
    .map((l) => ({ label: l.label, pnl: Number(l.pnl), pnlText: l.pnl, count: l.count }))
    .sort((a, b) => a.pnl - b.pnl);
}
