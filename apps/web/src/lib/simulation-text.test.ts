import { describe, expect, it } from 'vitest';
import { differenceInWords } from './simulation-text';

describe('differenceInWords', () => {
  it('says which path earned more', () => {
    expect(differenceInWords('14.2', 'USD')).toBe('The alternative would have made 14.20 USD more.');
    expect(differenceInWords('-7.3', 'USDT')).toBe('What you did made 7.30 USDT more than the alternative.');
    expect(differenceInWords('0.00', 'USD')).toBe('The alternative would have ended the same.');
  });
});
