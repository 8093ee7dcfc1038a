const DAY_MS = 86_400_000;
/** The horizons offered, in days. */
export const HORIZON_DAYS = [1, 3, 7, 14, 30] as const;

/**
 * The longest offered horizon, up to a week, that has already passed since the trade: a
 * counterfactual cannot sell at a time for which there are no prices yet.
 */
export function defaultHorizonDays(tradeTs: string, now: number = Date.now()): number {
  const daysSince = (now - Date.parse(tradeTs)) / DAY_MS;
  const fitting = HORIZON_DAYS.filter((d) => d <= Math.min(7, daysSince));
  return fitting.at(-1) ?? 1;
}
