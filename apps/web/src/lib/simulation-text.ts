import { decimalSign, formatMoney } from './format';

/** The difference said as a sentence: positive means the alternative would have earned more. */
export function differenceInWords(difference: string, quote: string): string {
  const sign = decimalSign(difference);
  if (sign === 0) return 'The alternative would have ended the same.';
  const amount = formatMoney(difference.replace(/^-/, ''));
  return sign > 0
    ? `The alternative would have made ${amount} ${quote} more.`
    : `What you did made ${amount} ${quote} more than the alternative.`;
}
