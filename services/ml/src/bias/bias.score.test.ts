import { describe, expect, it } from 'vitest';
import type { BiasFeatures, BiasLabel, BiasRule, MlTradeSide } from '@tt/shared';
import { scoreBias, scoreBiasBatch } from './bias.score';

const score = (side: MlTradeSide, features: BiasFeatures, rules?: BiasRule[]) =>
  scoreBias({ side, features, rules });
const labelsOf = (side: MlTradeSide, features: BiasFeatures, rules?: BiasRule[]): BiasLabel[] =>
  score(side, features, rules).labels.map((l) => l.label);
const labelScore = (side: MlTradeSide, features: BiasFeatures, label: BiasLabel, rules?: BiasRule[]) =>
  score(side, features, rules).labels.find((l) => l.label === label);

const fomoAtThreshold: BiasFeatures = { pct_change_24h_before: 0.08, RSI_14: 70, BB_pos: 0.8 };
const panicAtThreshold: BiasFeatures = { pnl_exit: -0.01, drawdown_recent: 0.06, RSI_14: 35, held_hours: 10 };

describe('scoreBias FOMO', () => {
  it('fires on a buy exactly at the thresholds, with confidence 0.5 and the numbers in words', () => {
    expect(labelScore('BUY', fomoAtThreshold, 'FOMO')).toEqual({
      label: 'FOMO',
      confidence: 0.5,
      reasons: [
        'Price had risen 8 % in the 24 h before this buy (default threshold: 8 %)',
        'RSI(14) was 70, overbought (default threshold: 70)',
        'The price sat at 0.8 of its Bollinger band, near the top (default threshold: 0.8)',
      ],
    });
  });

  it('does not fire when any condition is just short, missing, or on a sell', () => {
    expect(labelsOf('BUY', { ...fomoAtThreshold, pct_change_24h_before: 0.0799 })).not.toContain('FOMO');
    expect(labelsOf('BUY', { ...fomoAtThreshold, RSI_14: 69.99 })).not.toContain('FOMO');
    expect(labelsOf('BUY', { ...fomoAtThreshold, BB_pos: 0.799 })).not.toContain('FOMO');
    expect(labelsOf('BUY', { ...fomoAtThreshold, BB_pos: null })).not.toContain('FOMO');
    expect(labelsOf('SELL', fomoAtThreshold)).not.toContain('FOMO');
  });

  it('grows in confidence as the features clear the thresholds, up to 1', () => {
    const mild = labelScore('BUY', { pct_change_24h_before: 0.112, RSI_14: 78, BB_pos: 0.95 }, 'FOMO');
    const wild = labelScore('BUY', { pct_change_24h_before: 0.3, RSI_14: 92, BB_pos: 1.3 }, 'FOMO');
    expect(mild?.confidence).toBeCloseTo(0.5 + 0.5 * ((0.032 / 0.08 + 8 / 15 + 0.15 / 0.4) / 3), 3);
    expect(mild?.reasons[0]).toBe(
      'Price had risen 11.2 % in the 24 h before this buy (default threshold: 8 %)',
    );
    expect(wild?.confidence).toBe(1);
  });

  it("uses the user's thresholds and says so, and an inactive rule switches the check off", () => {
    const features = { pct_change_24h_before: 0.112, RSI_14: 75, BB_pos: 0.9 };
    const strict: BiasRule = { kind: 'fomo', params: { pct24h: 0.12, rsiMin: 70, bbPosMin: 0.8 } };
    expect(labelsOf('BUY', features, [strict])).not.toContain('FOMO');
    const own: BiasRule = { kind: 'fomo', params: { pct24h: 0.1, rsiMin: 70, bbPosMin: 0.8 } };
    expect(labelScore('BUY', features, 'FOMO', [own])?.reasons[0]).toBe(
      'Price had risen 11.2 % in the 24 h before this buy (your threshold: 10 %)',
    );
    expect(labelsOf('BUY', features, [{ ...own, active: false }])).not.toContain('FOMO');
  });

  it('also fires when a buy breaks the opt-in avoidSpikeOverPct rule', () => {
    const features = { pct_change_24h_before: 0.05, RSI_14: 50, BB_pos: 0.5 };
    const rule: BiasRule = { kind: 'avoidSpikeOverPct', params: { pct: 0.05 } };
    expect(labelsOf('BUY', features)).not.toContain('FOMO');
    expect(labelScore('BUY', features, 'FOMO', [rule])?.reasons).toEqual([
      'You bought after a 5 % rise in 24 h, past your own limit of 5 % for buying after a spike',
    ]);
    expect(labelsOf('BUY', { ...features, pct_change_24h_before: 0.0499 }, [rule])).not.toContain('FOMO');
  });
});

describe('scoreBias PANIC', () => {
  it('fires on a losing sell into a drawdown with a low RSI, at the thresholds', () => {
    expect(labelScore('SELL', panicAtThreshold, 'PANIC')).toEqual({
      label: 'PANIC',
      confidence: 0.5,
      reasons: [
        'You sold at a 1 % loss',
        'The price was 6 % below its 72-hour high (default threshold: 6 %)',
        'RSI(14) had fallen to 35 (default threshold: 35)',
      ],
    });
  });

  it('does not fire just past a threshold, on a winning sell, or when the stop did the selling', () => {
    expect(labelsOf('SELL', { ...panicAtThreshold, drawdown_recent: 0.0599 })).not.toContain('PANIC');
    expect(labelsOf('SELL', { ...panicAtThreshold, RSI_14: 35.01 })).not.toContain('PANIC');
    expect(labelsOf('SELL', { ...panicAtThreshold, pnl_exit: 0 })).not.toContain('PANIC');
    expect(labelsOf('BUY', panicAtThreshold)).not.toContain('PANIC');
    expect(labelsOf('SELL', { ...panicAtThreshold, stop_loss_hit: true })).toEqual(['DISCIPLINE']);
  });
});

describe('scoreBias REVENGE', () => {
  const revenge: BiasFeatures = {
    minutes_since_last_losing_exit: 60,
    size_vs_prev_entry: 1.0001,
    last_losing_exit_pnl: -0.042,
  };

  it('fires on a larger entry within the cooldown after a losing exit', () => {
    expect(labelScore('BUY', revenge, 'REVENGE')).toEqual({
      label: 'REVENGE',
      confidence: 0.5,
      reasons: [
        'This entry came 60 min after a losing exit (4.2 % loss), inside the default 60 min cooldown',
        'It was 1× the size of your previous entry',
      ],
    });
    expect(
      labelScore('BUY', { ...revenge, minutes_since_last_losing_exit: 6, size_vs_prev_entry: 2 }, 'REVENGE')
        ?.confidence,
    ).toBe(0.975);
  });

  it('does not fire after the cooldown, for an entry no larger, or without a losing exit', () => {
    expect(labelsOf('BUY', { ...revenge, minutes_since_last_losing_exit: 60.01 })).not.toContain('REVENGE');
    expect(labelsOf('BUY', { ...revenge, size_vs_prev_entry: 1 })).not.toContain('REVENGE');
    expect(labelsOf('BUY', { ...revenge, minutes_since_last_losing_exit: null })).not.toContain('REVENGE');
    const rule: BiasRule = { kind: 'cooldownAfterLossMinutes', params: { minutes: 30 } };
    expect(labelsOf('BUY', revenge, [rule])).not.toContain('REVENGE');
  });
});

describe('scoreBias OVERTRADING', () => {
  it('fires past the daily limit and not at it', () => {
    expect(labelScore('BUY', { trades_today: 11 }, 'OVERTRADING')).toEqual({
      label: 'OVERTRADING',
      confidence: 0.55,
      reasons: ['This was trade 11 of the day (default limit: 10 a day)'],
    });
    expect(labelsOf('SELL', { trades_today: 10 })).not.toContain('OVERTRADING');
  });

  it("fires far above the user's own norm even under the limit", () => {
    expect(labelScore('SELL', { trades_today: 5, median_trades_per_day: 2 }, 'OVERTRADING')?.reasons).toEqual(
      ['This was trade 5 of the day, against your usual 2 a day'],
    );
    expect(labelsOf('SELL', { trades_today: 4, median_trades_per_day: 2 })).not.toContain('OVERTRADING');
    expect(labelsOf('BUY', { trades_today: 16, median_trades_per_day: 8 })).toContain('OVERTRADING');
    expect(
      labelsOf('BUY', { trades_today: 15, median_trades_per_day: 8 }, [
        { kind: 'maxTradesPerDay', params: { count: 20 } },
      ]),
    ).not.toContain('OVERTRADING');
  });
});

describe('scoreBias EARLY_EXIT and LATE_EXIT', () => {
  it('calls an exit before the minimum hold early, and one at it disciplined', () => {
    expect(labelScore('SELL', { held_hours: 3.99, pnl_exit: 0.02 }, 'EARLY_EXIT')?.reasons).toEqual([
      'You closed after 4 h, before the default minimum hold of 4 h',
    ]);
    expect(labelsOf('SELL', { held_hours: 4, pnl_exit: 0.02 })).toEqual(['DISCIPLINE']);
  });

  it("measures against the trader's own planned hold when given", () => {
    expect(
      labelScore('SELL', { held_hours: 1, pnl_exit: 0.01, planned_hold_hours: 12 }, 'EARLY_EXIT'),
    ).toEqual({
      label: 'EARLY_EXIT',
      confidence: 0.958,
      reasons: ['You closed after 1 h, before your planned hold of 12 h'],
    });
  });

  it('does not call a stop exit early', () => {
    expect(labelsOf('SELL', { held_hours: 1, pnl_exit: -0.04 })).toEqual(['DISCIPLINE']);
    expect(labelsOf('SELL', { held_hours: 1, pnl_exit: -0.0399 })).toEqual(['EARLY_EXIT']);
    expect(labelsOf('SELL', { held_hours: 1, pnl_exit: -0.01, stop_loss_hit: true })).toEqual(['DISCIPLINE']);
  });

  it('calls a loss past the stop late, and one exactly at the stop disciplined', () => {
    expect(labelScore('SELL', { held_hours: 30, pnl_exit: -0.079 }, 'LATE_EXIT')).toEqual({
      label: 'LATE_EXIT',
      confidence: 0.79,
      reasons: ['You closed at a 7.9 % loss, past the default 5 % stop'],
    });
    expect(labelsOf('SELL', { held_hours: 30, pnl_exit: -0.05 })).toEqual(['DISCIPLINE']);
    expect(
      labelsOf('SELL', { held_hours: 30, pnl_exit: -0.06 }, [{ kind: 'stopLossPct', params: { pct: 0.08 } }]),
    ).toEqual(['DISCIPLINE']);
  });
});

describe('scoreBias DISCIPLINE', () => {
  it('names the rule that was kept', () => {
    expect(labelScore('SELL', { held_hours: 12, pnl_exit: 0.03 }, 'DISCIPLINE')).toEqual({
      label: 'DISCIPLINE',
      confidence: 1,
      reasons: ['You held for 12 h, at least the default minimum hold of 4 h'],
    });
    expect(labelScore('SELL', { held_hours: 1, pnl_exit: -0.05 }, 'DISCIPLINE')?.reasons).toEqual([
      'You cut the loss at 5 %, within the default 5 % stop',
    ]);
  });

  it('fires for a buy within 2 % of support and not beyond', () => {
    expect(labelScore('BUY', { pct_above_support: 0.02 }, 'DISCIPLINE')?.reasons).toEqual([
      'You bought 2 % above the 72-hour low, within 2 % of support',
    ]);
    expect(labelsOf('BUY', { pct_above_support: 0.0201 })).toEqual(['NEUTRAL']);
  });

  it('gives way to any bias that fired on the same trade', () => {
    expect(labelsOf('BUY', { ...fomoAtThreshold, pct_above_support: 0.001 })).toEqual(['FOMO']);
    expect(labelsOf('SELL', { held_hours: 20, pnl_exit: 0.03, trades_today: 12 })).toEqual(['OVERTRADING']);
  });
});

describe('scoreBias NEUTRAL', () => {
  it('tags a trade with nothing to judge as NEUTRAL at 0.5', () => {
    expect(score('BUY', {})).toEqual({
      labels: [
        {
          label: 'NEUTRAL',
          confidence: 0.5,
          reasons: ['There was too little market history or trade context to judge this trade'],
        },
      ],
    });
  });

  it('explains a quiet trade with its numbers and names a near miss', () => {
    const calm = score('BUY', { pct_change_24h_before: 0.012, RSI_14: 55, BB_pos: 0.41, trades_today: 1 });
    expect(calm.labels).toEqual([
      {
        label: 'NEUTRAL',
        confidence: 1,
        reasons: ['No bias threshold was crossed (24 h change +1.2 %, RSI(14) 55, Bollinger position 0.41)'],
      },
    ]);
    const close = score('BUY', { ...fomoAtThreshold, BB_pos: 0.7 });
    expect(close.labels[0]?.confidence).toBeCloseTo(1 - 0.5 * (2 / 3), 3);
    expect(close.labels[0]?.reasons[1]).toBe('Closest call: FOMO (67 % of its conditions held)');
  });

  it('orders several labels by confidence', () => {
    const labels = score('BUY', {
      pct_change_24h_before: 0.16,
      RSI_14: 85,
      BB_pos: 1.2,
      trades_today: 11,
      minutes_since_last_losing_exit: 30,
      size_vs_prev_entry: 1.5,
    }).labels;
    expect(labels.map((l) => [l.label, l.confidence])).toEqual([
      ['FOMO', 1],
      ['REVENGE', 0.75],
      ['OVERTRADING', 0.55],
    ]);
  });
});

describe('scoreBiasBatch', () => {
  it('scores each item as the single form does, in order', () => {
    const items = [
      { id: 'a', side: 'BUY' as const, features: fomoAtThreshold },
      { id: 'b', side: 'SELL' as const, features: panicAtThreshold },
      {
        id: 'c',
        side: 'SELL' as const,
        features: {},
        rules: [{ kind: 'minHoldHours' as const, params: { hours: 2 } }],
      },
    ];
    expect(scoreBiasBatch({ items })).toEqual({
      results: items.map(({ id, side, features, rules }) => ({
        id,
        labels: scoreBias({ side, features, rules }).labels,
      })),
    });
  });
});
