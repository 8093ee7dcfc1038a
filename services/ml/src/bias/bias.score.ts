import {
  BIAS_LABELS,
  type BiasFeatures,
  type BiasLabel,
  type BiasLabelScore,
  type BiasScoreBatchRequest,
  type BiasScoreBatchResponse,
  type BiasScoreRequest,
  type BiasScoreResponse,
  type MlTradeSide,
} from '@tt/shared';
import { buildChecks } from './bias.checks';
import { evaluateCheck, type CheckOutcome } from './bias.conditions';
import { decimal2, hours, score, signedPercent } from './bias.format';
import { resolveThresholds } from './bias.thresholds';

const LABEL_ORDER = new Map<BiasLabel, number>(BIAS_LABELS.map((label, i) => [label, i]));

/** Fired checks of one label merged: the strongest confidence, every reason once. */
function mergeFired(outcomes: readonly CheckOutcome[]): BiasLabelScore[] {
  const byLabel = new Map<BiasLabel, BiasLabelScore>();
  for (const outcome of outcomes) {
    if (!outcome.fired) continue;
    const seen = byLabel.get(outcome.label);
    if (!seen) {
      byLabel.set(outcome.label, {
        label: outcome.label,
        confidence: outcome.confidence,
        reasons: [...outcome.reasons],
      });
      continue;
    }
    seen.confidence = Math.max(seen.confidence, outcome.confidence);
    for (const reason of outcome.reasons) if (!seen.reasons.includes(reason)) seen.reasons.push(reason);
  }
  return [...byLabel.values()];
}

function marketSummary(f: BiasFeatures, side: MlTradeSide): string {
  const facts: string[] = [];
  if (side === 'SELL' && f.pnl_exit != null) facts.push(`P/L ${signedPercent(f.pnl_exit)}`);
  if (side === 'SELL' && f.held_hours != null) facts.push(`held ${hours(f.held_hours)}`);
  if (f.pct_change_24h_before != null) facts.push(`24 h change ${signedPercent(f.pct_change_24h_before)}`);
  if (f.RSI_14 != null) facts.push(`RSI(14) ${score(f.RSI_14)}`);
  if (side === 'BUY' && f.BB_pos != null) facts.push(`Bollinger position ${decimal2(f.BB_pos)}`);
  if (side === 'SELL' && f.drawdown_recent != null)
    facts.push(`${signedPercent(-f.drawdown_recent)} from the 72-hour high`);
  return facts.length === 0 ? '' : ` (${facts.join(', ')})`;
}

/**
 * NEUTRAL when nothing fired. Its confidence = 1 − 0.5 × (largest share of conditions met by any
 * check), so a near miss reads as a weaker "nothing to see"; 0.5 when no check could be judged.
 */
function neutral(f: BiasFeatures, side: MlTradeSide, outcomes: readonly CheckOutcome[]): BiasLabelScore {
  if (outcomes.every((outcome) => !outcome.known)) {
    return {
      label: 'NEUTRAL',
      confidence: 0.5,
      reasons: [
        `There was too little market history or trade context to judge this trade${marketSummary(f, side)}`,
      ],
    };
  }
  let closest: CheckOutcome | undefined;
  for (const outcome of outcomes) if (!closest || outcome.metShare > closest.metShare) closest = outcome;
  const nearMiss = closest?.metShare ?? 0;
  const reasons = [`No bias threshold was crossed${marketSummary(f, side)}`];
  if (closest && nearMiss >= 0.5) {
    reasons.push(`Closest call: ${closest.label} (${Math.round(nearMiss * 100)} % of its conditions held)`);
  }
  return { label: 'NEUTRAL', confidence: Math.round((1 - 0.5 * nearMiss) * 1000) / 1000, reasons };
}

/**
 * `POST /v1/bias/score`: every label whose checks fire, strongest first (ties in BIAS_LABELS
 * order), or NEUTRAL, so a trade always carries at least one label. Deterministic.
 */
export function scoreBias(request: BiasScoreRequest): BiasScoreResponse {
  const { features, side } = request;
  const checks = buildChecks(features, side, resolveThresholds(request.rules));
  const biasOutcomes = checks.biases.map(evaluateCheck);
  const disciplineOutcomes = checks.discipline.map(evaluateCheck);
  let labels = mergeFired(biasOutcomes);
  if (labels.length === 0) labels = mergeFired(disciplineOutcomes);
  if (labels.length === 0) labels = [neutral(features, side, [...biasOutcomes, ...disciplineOutcomes])];
  labels.sort((a, b) => b.confidence - a.confidence || LABEL_ORDER.get(a.label)! - LABEL_ORDER.get(b.label)!);
  return { labels };
}

/** `POST /v1/bias/score/batch`: the same scoring per item, results in request order. */
export function scoreBiasBatch(request: BiasScoreBatchRequest): BiasScoreBatchResponse {
  const results = new Array<BiasScoreBatchResponse['results'][number]>(request.items.length);
  for (let i = 0; i < request.items.length; i++) {
    const item = request.items[i]!;
    results[i] = { id: item.id, labels: scoreBias(item).labels };
  }
  return { results };
}
