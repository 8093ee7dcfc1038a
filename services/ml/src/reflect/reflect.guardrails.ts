/*
 * What a coaching reflection must be (blueprint §9): exactly two sentences, one concrete habit,
 * no buy/sell advice, no price targets, no promise of profit. Applied to every LLM answer, and the
 * offline coach's own templates are tested against it.
 */

const SENTENCE_BREAK = /(?<=[.!?])\s+(?=\S)/;

/** Wording that marks a concrete, repeatable action. */
const HABIT =
  /\b(next time|before (your|each|every|the|you)\b|each time|every time|for the next|write (it |this |that )?(down|one|the|your)|journal|log (it|this|every|the|your|any)|note (down|the|how|what|a|of)|set (a|an|your|the)|wait (for|at least|one|\d)|pause|step away|take (a|three)|check (your|the|it|whether)|limit|keep (a|the|using|logging|writing|checking)|review|rule\b|checklist|timer|alarm|alert|cap\b|sticky note|close the (chart|app|trading app))/i;

const ADVICE: readonly RegExp[] = [
  /\b(you should|you must|you need to|i (would )?(recommend|suggest)|consider|it'?s (a )?(good|great|smart) (time|idea) to|now is (a |the )?(good |right )?time to|go ahead and|time to|don'?t miss)\b[^.!?]{0,40}?\b(buy(ing)?|sell(ing)?|short(ing)?|go(ing)? long|enter(ing)?|exit(ing)?|hold(ing)?|accumulat\w*|add(ing)? to|average down|take profits?)\b/i,
  /\b(buy|sell|short)\s+(now|more|some|the (dip|rip|bottom|top)|it|this|here|back|btc|eth|sol|xrp|doge|bitcoin|ether)\b/i,
  /\bgo (long|short)\b/i,
  /(^|[.!?]\s+)(buy|sell|short|hold|accumulate|average down)\b/i,
  /\b(price target|target price|take[- ]profit (at|of)|entry (price|point|level) (of|at|around)|(buy|sell|exit|enter) (at|around|near|below|above) \$?\d)/i,
];

const PROMISE: readonly RegExp[] = [
  /\b(guarantee[ds]?|risk[- ]free|can'?t lose|cannot lose|sure (win|profit|thing|bet)|easy (money|profits?)|to the moon)\b/i,
  /\bwill (make|earn|win|profit|pay off|go up|rise|recover|bounce|moon|be (profitable|worth))\b/i,
  /\b(make|earn|double) (you )?(money|profits?|your (money|account|capital))\b/i,
];

/** Problems found in a reflection text; empty when it may be shown. */
export function reflectionProblems(text: string): string[] {
  const problems: string[] = [];
  const trimmed = text.trim();
  const sentences = trimmed.split(SENTENCE_BREAK);
  if (sentences.length !== 2 || !sentences.every((s) => /[.!?]$/.test(s) && s.split(/\s+/).length >= 4)) {
    problems.push(`expected exactly two sentences, got ${sentences.length}`);
  }
  if (trimmed.length > 500) problems.push('longer than 500 characters');
  if (!HABIT.test(trimmed)) problems.push('names no concrete habit');
  if (ADVICE.some((pattern) => pattern.test(trimmed))) problems.push('contains buy/sell or price advice');
  if (PROMISE.some((pattern) => pattern.test(trimmed))) problems.push('promises a profit or outcome');
  return problems;
}
