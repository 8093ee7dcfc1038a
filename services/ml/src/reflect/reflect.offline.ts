import type { BiasFeatures, ReflectRequest, ReflectResponse } from '@tt/shared';
import { decimal2, hours, minutes, percent, ratio, score, signedPercent } from '../bias/bias.format';
import { reflectionDigest } from './reflect.key';
import { TEMPLATES, type CoachFacts, type Template } from './reflect.templates';

function factsOf(f: BiasFeatures): CoachFacts {
  const facts: CoachFacts = {
    asset: f.symbol ? f.symbol.split('-')[0]! : 'this coin',
    action: f.side === 'SELL' || f.pnl_exit != null || f.held_hours != null ? 'exit' : 'entry',
    dailyCap: String(
      f.median_trades_per_day != null ? Math.max(2, Math.ceil(f.median_trades_per_day * 1.5)) : 5,
    ),
  };
  const change = f.pct_change_24h_before;
  if (change != null) {
    facts.change24 = signedPercent(change);
    if (change > 0) facts.rise24 = percent(change);
  }
  if (f.RSI_14 != null) facts.rsi = score(f.RSI_14);
  if (f.BB_pos != null) facts.bandPosition = decimal2(f.BB_pos);
  if (f.drawdown_recent != null && f.drawdown_recent > 0) facts.drawdown = percent(f.drawdown_recent);
  if (f.held_hours != null) facts.held = hours(f.held_hours);
  if (f.planned_hold_hours != null) facts.plannedHold = hours(f.planned_hold_hours);
  if (f.pnl_exit != null) {
    facts.result = signedPercent(f.pnl_exit);
    if (f.pnl_exit < 0) facts.loss = percent(f.pnl_exit);
    if (f.pnl_exit > 0) facts.gain = percent(f.pnl_exit);
  }
  if (f.minutes_since_last_losing_exit != null) facts.sinceLoss = minutes(f.minutes_since_last_losing_exit);
  if (f.last_losing_exit_pnl != null && f.last_losing_exit_pnl < 0)
    facts.lastLoss = percent(f.last_losing_exit_pnl);
  if (f.size_vs_prev_entry != null) facts.sizeRatio = ratio(f.size_vs_prev_entry);
  if (f.trades_today != null) {
    facts.tradeNumber = String(f.trades_today);
    if (f.trades_today > 1) facts.earlierTrades = String(f.trades_today - 1);
  }
  if (f.median_trades_per_day != null) facts.usualTrades = decimal2(f.median_trades_per_day);
  if (f.pct_above_support != null && f.pct_above_support >= 0) facts.support = percent(f.pct_above_support);
  return facts;
}

/** The template at `seed` in the pool, or the next one whose facts are all known. */
function pick(pool: readonly Template[], seed: number, facts: CoachFacts): string | undefined {
  for (let k = 0; k < pool.length; k++) {
    const sentence = pool[(seed + k) % pool.length]!(facts);
    if (sentence) return sentence;
  }
  return undefined;
}

/**
 * The deterministic offline coach: an observation with the trade's numbers and one concrete
 * habit in the requested tone. Templates are chosen by the sha256 of (features, label, tone), so
 * the same trade always reads the same and different trades read differently.
 */
export function offlineReflection(request: ReflectRequest): ReflectResponse {
  const digest = reflectionDigest(request);
  const pools = TEMPLATES[request.label];
  const facts = factsOf(request.features);
  const observation = pick(pools.observations, digest.readUInt32BE(0), facts) ?? pools.fallback(facts);
  const habits = pools.habits[request.tone];
  const habit = habits[digest.readUInt32BE(4) % habits.length]!(facts);
  return { text: `${observation} ${habit}`, tone: request.tone, bias: request.label };
}
