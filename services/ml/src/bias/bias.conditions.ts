import type { BiasLabel } from '@tt/shared';

/**
 * One condition of a check. `met` is null when an input is missing (the check then cannot fire).
 * `margin` in [0, 1] says how far a met condition clears its threshold; yes/no gates have none.
 */
export interface Condition {
  readonly met: boolean | null;
  readonly margin: number | undefined;
  /** Plain words with the numbers; built only when the check fires. */
  readonly reason: (() => string) | undefined;
}

/** A way for a label to fire: every condition must hold. A label fires when any of its checks does. */
export interface Check {
  readonly label: BiasLabel;
  readonly conditions: readonly Condition[];
}

export interface CheckOutcome {
  readonly label: BiasLabel;
  readonly fired: boolean;
  readonly confidence: number;
  readonly reasons: string[];
  /** Share of conditions met, for explaining near misses. */
  readonly metShare: number;
  /** False when some input was missing. */
  readonly known: boolean;
}

const UNKNOWN: Condition = Object.freeze({ met: null, margin: undefined, reason: undefined });

/** Equal within a relative 1e-12 is on the threshold: a computed threshold (0.8 × 5 %) must not miss by rounding. */
const tolerance = (value: number, threshold: number): number =>
  1e-12 * Math.max(Math.abs(threshold), Math.abs(value));

/** value ≥ threshold, up to rounding. */
export const reaches = (value: number, threshold: number): boolean =>
  value - threshold >= -tolerance(value, threshold);

/** value > threshold, beyond rounding. */
export const exceeds = (value: number, threshold: number): boolean =>
  value - threshold > tolerance(value, threshold);

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/**
 * `value` compared with `threshold` in the direction of `full`: at or beyond the threshold it is
 * met (strictly beyond when `strict`), and its margin grows linearly from 0 at the threshold to 1
 * at `full`, the point where that condition counts as fully cleared.
 */
export function graded(
  value: number | null | undefined,
  threshold: number,
  full: number,
  reason: (value: number) => string,
  strict = false,
): Condition {
  if (value == null) return UNKNOWN;
  const direction = full >= threshold ? 1 : -1;
  const past = (value - threshold) * direction;
  const met = strict ? past > tolerance(value, threshold) : past >= -tolerance(value, threshold);
  const span = Math.abs(full - threshold);
  return { met, margin: met ? (span === 0 ? 1 : clamp01(past / span)) : 0, reason: () => reason(value) };
}

/** A yes/no precondition; `reason` is worded only when it adds information. */
export function gate(met: boolean | null, reason?: () => string): Condition {
  return { met, margin: undefined, reason };
}

/**
 * Confidence of a fired check = 0.5 + 0.5 × mean(margins of its graded conditions), to three
 * decimals: 0.5 when the features sit exactly on the thresholds, 1 when every one is fully cleared.
 */
export function evaluateCheck(check: Check): CheckOutcome {
  let met = 0;
  let known = true;
  let marginSum = 0;
  let graded = 0;
  for (const condition of check.conditions) {
    if (condition.met === null) known = false;
    if (condition.met === true) met++;
    if (condition.margin !== undefined) {
      marginSum += condition.margin;
      graded++;
    }
  }
  const total = check.conditions.length;
  const fired = met === total;
  const confidence = fired
    ? Math.round((0.5 + 0.5 * (graded === 0 ? 0 : marginSum / graded)) * 1000) / 1000
    : 0;
  const reasons: string[] = [];
  if (fired) {
    for (const condition of check.conditions) if (condition.reason) reasons.push(condition.reason());
  }
  return { label: check.label, fired, confidence, reasons, metShare: total === 0 ? 0 : met / total, known };
}
