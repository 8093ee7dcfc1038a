import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_RULE_PARAMS, type BiasFeatures } from '@tt/shared';
import {
  MIN_TRADES,
  THRESHOLDS,
  personalise,
  updateThreshold,
  type PersonalisationInput,
} from './personalisation';

const NOW = new Date('2026-11-09T06:00:00Z');
const noVotes = { fomo: { up: 0, down: 0 }, panic: { up: 0, down: 0 } };
const pct24h = THRESHOLDS.find((s) => s.param === 'pct24h')!;

/** Entries whose 24 h change is spread evenly over [from, to]. */
const entries = (n: number, from: number, to: number): BiasFeatures[] =>
  Array.from({ length: n }, (_, i) => ({
    side: 'BUY',
    pct_change_24h_before: from + ((to - from) * i) / (n - 1),
  }));

describe('personalise', () => {
  it('does nothing below 30 trades', () => {
    expect(
      personalise({ trades: MIN_TRADES - 1, features: entries(200, 0, 0.3), votes: noVotes, now: NOW }),
    ).toBeNull();
    expect(personalise({ trades: MIN_TRADES, features: [], votes: noVotes, now: NOW })).not.toBeNull();
  });

  it('keeps the defaults without evidence or votes, and says so', () => {
    const rules = personalise({ trades: 40, features: [], votes: noVotes, now: NOW })!;
    expect(rules.map((r) => [r.kind, r.params])).toEqual([
      ['fomo', DEFAULT_RULE_PARAMS.fomo],
      ['panic', DEFAULT_RULE_PARAMS.panic],
    ]);
    expect(rules[0]!.provenance).toMatchObject({
      source: 'personalised',
      trades: 40,
      minTrades: 30,
      computedAt: NOW.toISOString(),
    });
    expect(rules[0]!.provenance.thresholds.pct24h).toMatchObject({
      evidenceN: 0,
      evidenceEstimate: null,
      feedbackUp: 0,
      feedbackDown: 0,
      value: 0.08,
    });
  });

  it("moves a threshold towards the user's own 90th percentile, by the precision of each side", () => {
    // 101 entries evenly on [0, 0.2]: the 90th percentile is 0.18, its standard error about 0.006,
    // floored at half the prior's (0.01), so the evidence weighs four priors: (0.08 + 4 × 0.18) / 5.
    const t = updateThreshold(pct24h, entries(101, 0, 0.2), { up: 0, down: 0 });
    expect(t.evidenceEstimate).toBeCloseTo(0.18, 12);
    expect(t.evidenceSe).toBe(0.01);
    expect(t.posteriorMean).toBeCloseTo(0.16, 12);
    expect(t.value).toBe(0.16);
    expect(t.posteriorSd).toBeCloseTo(0.02 / Math.sqrt(5), 12);
  });

  it('pushes a threshold away with down-votes and holds it with up-votes', () => {
    const features = entries(40, 0.02, 0.12);
    const base = updateThreshold(pct24h, features, { up: 0, down: 0 });
    const down = updateThreshold(pct24h, features, { up: 0, down: 4 });
    const mixed = updateThreshold(pct24h, features, { up: 4, down: 4 });
    expect(down.value).toBeGreaterThan(base.value);
    expect(mixed.value).toBeGreaterThan(base.value);
    expect(mixed.value).toBeLessThan(down.value);
    expect(updateThreshold(pct24h, features, { up: 10, down: 0 }).value).toBe(base.value);
    // Four down-votes against four priors of evidence and one of prior: 2 × 0.02 × 1 / 6 further.
    expect(down.posteriorMean - base.posteriorMean).toBeCloseTo(0.04 / 6, 12);
    // For an upper bound (panic's RSI ceiling) "away" is downwards.
    const rsiMax = THRESHOLDS.find((s) => s.param === 'rsiMax')!;
    expect(updateThreshold(rsiMax, [], { up: 0, down: 3 }).value).toBeLessThan(35);
  });

  const anyNumber = fc.oneof(
    fc.double({ noNaN: false }),
    fc.constantFrom(Infinity, -Infinity, NaN, 0, 1e300),
  );
  const featureArb: fc.Arbitrary<BiasFeatures> = fc.record({
    side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
    pct_change_24h_before: anyNumber,
    RSI_14: anyNumber,
    BB_pos: anyNumber,
    drawdown_recent: anyNumber,
    pnl_exit: anyNumber,
  });
  const votesArb = fc.record({ up: fc.nat(10_000), down: fc.nat(10_000) });
  const inputArb: fc.Arbitrary<PersonalisationInput> = fc.record({
    trades: fc.nat(100_000),
    features: fc.array(featureArb, { maxLength: 300 }),
    votes: fc.record({ fomo: votesArb, panic: votesArb }),
    now: fc.constant(NOW),
  });

  it('stays within the documented bounds for any input', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const rules = personalise(input);
        if (input.trades < MIN_TRADES) return rules === null;
        for (const rule of rules!) {
          for (const spec of THRESHOLDS.filter((s) => s.kind === rule.kind)) {
            const value = (rule.params as Record<string, number>)[spec.param]!;
            const provenance = rule.provenance.thresholds[spec.param]!;
            expect(Number.isFinite(value)).toBe(true);
            expect(value).toBeGreaterThanOrEqual(spec.lower);
            expect(value).toBeLessThanOrEqual(spec.upper);
            expect(provenance).toMatchObject({ value, lower: spec.lower, upper: spec.upper });
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
