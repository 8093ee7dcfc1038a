import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BIAS_LABELS, BiasRuleSchema, type BiasRule } from '@tt/shared';
import { scoreBias } from './bias.score';
import { featuresArb, fraction } from './test/bias-arbitraries';

const rulesArb: fc.Arbitrary<BiasRule[]> = fc
  .uniqueArray(
    fc.oneof(
      fc.record({
        kind: fc.constant('fomo'),
        params: fc.record({
          pct24h: fraction(0.01, 0.3),
          rsiMin: fraction(50, 90),
          bbPosMin: fraction(0.5, 1.2),
        }),
      }),
      fc.record({
        kind: fc.constant('panic'),
        params: fc.record({ drawdownMin: fraction(0.01, 0.3), rsiMax: fraction(10, 50) }),
      }),
      fc.record({ kind: fc.constant('minHoldHours'), params: fc.record({ hours: fraction(0.5, 72) }) }),
      fc.record({ kind: fc.constant('stopLossPct'), params: fc.record({ pct: fraction(0.005, 0.3) }) }),
      fc.record({
        kind: fc.constant('maxTradesPerDay'),
        params: fc.record({ count: fc.integer({ min: 1, max: 40 }) }),
      }),
      fc.record({
        kind: fc.constant('cooldownAfterLossMinutes'),
        params: fc.record({ minutes: fraction(1, 600) }),
      }),
      fc.record({ kind: fc.constant('avoidSpikeOverPct'), params: fc.record({ pct: fraction(0.01, 0.3) }) }),
    ),
    { selector: (rule) => rule.kind, maxLength: 7 },
  )
  .chain((rules) => fc.tuple(...rules.map((rule) => fc.boolean().map((active) => ({ ...rule, active })))))
  .map((rules) => rules.map((rule) => BiasRuleSchema.parse(rule)));

const requestArb = fc.record({
  features: featuresArb,
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  rules: fc.option(rulesArb, { nil: undefined }),
});

describe('scoreBias properties', () => {
  it('gives every trade at least one distinct label, ordered, with bounded confidence and reasons', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const { labels } = scoreBias(request);
        expect(labels.length).toBeGreaterThanOrEqual(1);
        expect(new Set(labels.map((l) => l.label)).size).toBe(labels.length);
        for (const [i, label] of labels.entries()) {
          expect(BIAS_LABELS).toContain(label.label);
          expect(label.confidence).toBeGreaterThanOrEqual(0);
          expect(label.confidence).toBeLessThanOrEqual(1);
          expect(label.reasons.length).toBeGreaterThan(0);
          expect(label.reasons.every((reason) => reason.length > 0)).toBe(true);
          if (i > 0) expect(label.confidence).toBeLessThanOrEqual(labels[i - 1]!.confidence);
        }
        if (labels.some((l) => l.label === 'NEUTRAL')) expect(labels).toHaveLength(1);
      }),
      { numRuns: 1_000, seed: 21 },
    );
  });

  it('is deterministic and does not depend on the order of the rules', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const first = scoreBias(request);
        expect(scoreBias(structuredClone(request))).toEqual(first);
        expect(scoreBias({ ...request, rules: request.rules && [...request.rules].reverse() })).toEqual(
          first,
        );
      }),
      { numRuns: 300, seed: 22 },
    );
  });

  it('never lowers FOMO confidence as the run-up grows', () => {
    fc.assert(
      fc.property(
        fraction(0.08, 0.5),
        fraction(0, 0.3),
        fraction(70, 100),
        fraction(0.8, 2),
        (pct, extra, rsi, bb) => {
          const at = (p: number) =>
            scoreBias({
              side: 'BUY',
              features: { pct_change_24h_before: p, RSI_14: rsi, BB_pos: bb },
            }).labels.find((l) => l.label === 'FOMO')?.confidence;
          expect(at(pct + extra)!).toBeGreaterThanOrEqual(at(pct)!);
        },
      ),
      { numRuns: 300, seed: 23 },
    );
  });
});
