import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BIAS_LABELS, type BiasFeatures } from '@tt/shared';
import { featuresArb } from '../bias/test/bias-arbitraries';
import { reflectionProblems } from './reflect.guardrails';
import { offlineReflection } from './reflect.offline';

const toneArb = fc.constantFrom('supportive' as const, 'strict' as const);
const requestArb = fc.record({
  features: featuresArb,
  label: fc.constantFrom(...BIAS_LABELS),
  tone: toneArb,
});

describe('offlineReflection', () => {
  it('writes two sentences with one habit and no advice, for every label, tone and feature mix', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const reflection = offlineReflection(request);
        expect(reflectionProblems(reflection.text), reflection.text).toEqual([]);
        expect(reflection).toMatchObject({ tone: request.tone, bias: request.label });
      }),
      { numRuns: 1_500, seed: 31 },
    );
  });

  it('passes the guardrails even when nothing is known about the trade', () => {
    for (const label of BIAS_LABELS) {
      for (const tone of ['supportive', 'strict'] as const) {
        expect(reflectionProblems(offlineReflection({ features: {}, label, tone }).text)).toEqual([]);
      }
    }
  });

  it('answers the same trade with the same words', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        expect(offlineReflection(structuredClone(request))).toEqual(offlineReflection(request));
      }),
      { numRuns: 200, seed: 32 },
    );
  });

  it('puts the numbers of the trade into the observation', () => {
    const features: BiasFeatures = {
      symbol: 'ETH-USD',
      pct_change_24h_before: 0.112,
      RSI_14: 78.14,
      BB_pos: 0.93,
    };
    const texts = [0, 1, 2, 3, 4, 5].map(
      (n) =>
        offlineReflection({ features: { ...features, ATR_rel: n / 100 }, label: 'FOMO', tone: 'strict' })
          .text,
    );
    for (const text of texts) expect(text).toMatch(/11\.2 %|78\.1|0\.93/);
    const panic = offlineReflection({
      features: { pnl_exit: -0.034, drawdown_recent: 0.075, RSI_14: 28 },
      label: 'PANIC',
      tone: 'supportive',
    });
    expect(panic.text).toMatch(/3\.4 %|7\.5 %|28/);
  });

  it('varies its wording across trades and between tones', () => {
    const observations = new Set<string>();
    const habits = { supportive: new Set<string>(), strict: new Set<string>() };
    for (let n = 0; n < 60; n++) {
      for (const tone of ['supportive', 'strict'] as const) {
        const features: BiasFeatures = {
          pnl_exit: -0.02 - n / 1000,
          held_hours: 5 + n,
          drawdown_recent: 0.07,
          RSI_14: 30,
        };
        const [observation, habit] = offlineReflection({ features, label: 'PANIC', tone }).text.split(
          /(?<=\.)\s+/,
        );
        observations.add(observation!.replace(/[\d.]+/g, '#'));
        habits[tone].add(habit!);
      }
    }
    expect(observations.size).toBeGreaterThanOrEqual(3);
    expect(habits.supportive.size).toBe(3);
    expect(habits.strict.size).toBe(3);
    expect([...habits.supportive].some((h) => habits.strict.has(h))).toBe(false);
  });
});
