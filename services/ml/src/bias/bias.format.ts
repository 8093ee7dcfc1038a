/*
 * Number wording shared by the reasons and the offline coach: fractions as percents with one
 * decimal ("11.2 %", "8 %"), trailing ".0" dropped so thresholds read as people set them.
 */

function trimmed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** 0.112 → "11.2 %" (magnitude only; the sentence says up or down). */
export const percent = (fraction: number): string => `${trimmed(Math.abs(fraction) * 100, 1)} %`;

/** 0.012 → "+1.2 %", −0.034 → "−3.4 %". */
export const signedPercent = (fraction: number): string =>
  `${fraction < 0 ? '−' : '+'}${trimmed(Math.abs(fraction) * 100, 1)} %`;

/** RSI and similar 0–100 scores: one decimal. */
export const score = (value: number): string => trimmed(value, 1);

/** Band positions and ratios: two decimals. */
export const decimal2 = (value: number): string => trimmed(value, 2);

/** Hours: one decimal below 10 h, whole hours above. */
export const hours = (value: number): string => `${trimmed(value, value < 10 ? 1 : 0)} h`;

export const minutes = (value: number): string => `${Math.round(value)} min`;

export const ratio = (value: number): string => `${trimmed(value, 1)}×`;

/** "your threshold" for the user's own rule, "default threshold" otherwise. */
export const whose = (source: 'user' | 'default'): string => (source === 'user' ? 'your' : 'default');
