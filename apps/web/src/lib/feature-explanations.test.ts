import { describe, expect, it } from 'vitest';
import { explainFeatures } from './feature-explanations';

describe('explainFeatures', () => {
  it('explains each measured feature in plain words', () => {
    const explained = explainFeatures({
      RSI_14: 78.2,
      pct_change_24h_before: 0.092,
      drawdown_recent: null,
      trades_today: 9,
      median_trades_per_day: 3,
    });
    expect(explained).toEqual([
      { key: 'RSI_14', measure: 'RSI 78', meaning: 'the price had risen fast and looked stretched' },
      {
        key: 'pct_change_24h_before',
        measure: '+9.2% in 24 h',
        meaning: 'a strong run-up in the day before',
      },
      { key: 'trades_today', measure: '9 trades that day', meaning: 'far more than your usual 3 a day' },
    ]);
  });

  it('compares an exit’s hold with the plan', () => {
    expect(explainFeatures({ held_hours: 2, planned_hold_hours: 24 })[0]).toEqual({
      key: 'held_hours',
      measure: 'Held 2 h',
      meaning: 'shorter than your planned 24 h',
    });
  });

  it('says whether the stop was touched', () => {
    expect(explainFeatures({ stop_loss_hit: true })).toEqual([
      {
        key: 'stop_loss_hit',
        measure: 'Stop level touched',
        meaning: 'the price reached your stop while the position was open',
      },
    ]);
  });

  it('has nothing to say without features', () => {
    expect(explainFeatures(null)).toEqual([]);
  });
});
