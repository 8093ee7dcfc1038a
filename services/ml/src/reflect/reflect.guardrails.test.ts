import { describe, expect, it } from 'vitest';
import { reflectionProblems } from './reflect.guardrails';

const good =
  'You bought BTC after an 11.2 % jump in 24 hours with RSI(14) at 78. Next time, write down your reason and wait one full hourly candle before you decide.';

describe('reflectionProblems', () => {
  it('accepts two sentences with a concrete habit', () => {
    expect(reflectionProblems(good)).toEqual([]);
    expect(
      reflectionProblems(
        'You sold at a 3.4 % loss into a 7 % dip. Set a price alert at your planned stop so the decision is made in advance.',
      ),
    ).toEqual([]);
  });

  it('rejects the wrong number of sentences', () => {
    expect(reflectionProblems('You bought after a spike and should write a checklist next time.')).toContain(
      'expected exactly two sentences, got 1',
    );
    expect(reflectionProblems(`${good} Stay calm out there.`)).toContain(
      'expected exactly two sentences, got 3',
    );
  });

  it('rejects a text without a habit', () => {
    expect(
      reflectionProblems('You bought after a spike of 11 %. That was a very emotional moment for you.'),
    ).toEqual(['names no concrete habit']);
  });

  it.each([
    'You chased a 12 % move today. You should buy the dip next time instead, and write down why.',
    'Price fell 8 % before you sold. Buy more on the next drop and log it in your journal.',
    'You exited at a loss in a 7 % drawdown. Consider selling half next time and keep a journal.',
    'You bought near the top of the band. Next time set a take-profit at 72000 before you enter.',
    'RSI was 25 when you sold. Go long when it is this low again and note it in your journal.',
  ])('rejects buy/sell advice: %s', (text) => {
    expect(reflectionProblems(text)).toContain('contains buy/sell or price advice');
  });

  it.each([
    'You held for 12 hours as planned. Keep this routine, it is guaranteed to pay.',
    'You respected your stop at 5 %. Keep logging trades like this and it will make you rich.',
    'You waited for your setup this time. Keep the checklist, this is risk-free money.',
  ])('rejects promises of profit: %s', (text) => {
    expect(reflectionProblems(text)).toContain('promises a profit or outcome');
  });
});
