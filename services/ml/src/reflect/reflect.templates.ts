import type { BiasLabel, CoachTone } from '@tt/shared';

/** The numbers of one trade, already worded; a missing feature is simply absent. */
export interface CoachFacts {
  asset: string;
  action: 'entry' | 'exit';
  rise24?: string;
  change24?: string;
  rsi?: string;
  bandPosition?: string;
  drawdown?: string;
  held?: string;
  plannedHold?: string;
  loss?: string;
  gain?: string;
  result?: string;
  sinceLoss?: string;
  lastLoss?: string;
  sizeRatio?: string;
  tradeNumber?: string;
  earlierTrades?: string;
  usualTrades?: string;
  support?: string;
  dailyCap: string;
}

/** A sentence, or undefined when a fact it needs is missing. */
export type Template = (f: CoachFacts) => string | undefined;

export interface TemplatePools {
  /** Observations with numbers, chosen by hash among those whose facts are known. */
  readonly observations: readonly Template[];
  /** The observation when none of them can be worded. */
  readonly fallback: (f: CoachFacts) => string;
  /** One concrete habit per template; each can always be worded. */
  readonly habits: Readonly<Record<CoachTone, readonly ((f: CoachFacts) => string)[]>>;
}

/*
 * Sentence one states what happened with the numbers; sentence two is one concrete habit.
 * Wording rules: past tense about the trade, habits about process (journal, timers, limits,
 * stops set in advance); never what to buy or sell, never an outcome.
 */
export const TEMPLATES: Readonly<Record<BiasLabel, TemplatePools>> = {
  FOMO: {
    observations: [
      (f) =>
        f.rise24 &&
        f.rsi &&
        `You bought ${f.asset} after a ${f.rise24} rise in 24 hours, with RSI(14) already at ${f.rsi}.`,
      (f) =>
        f.bandPosition &&
        f.rise24 &&
        `This entry came with the price at ${f.bandPosition} of its Bollinger band after a ${f.rise24} run-up, exactly where moves get chased.`,
      (f) =>
        f.rsi &&
        `RSI(14) stood at ${f.rsi} when you bought ${f.asset}, so most of the move had already happened.`,
    ],
    fallback: (f) =>
      `You bought ${f.asset} while it was running hot, the classic shape of a fear-of-missing-out entry.`,
    habits: {
      supportive: [
        () =>
          'Next time a coin jumps like this, write down your reason for the trade and wait one full hourly candle before you decide.',
        (f) =>
          `A helpful habit: set a 15-minute timer whenever a coin is up ${f.rise24 ?? 'sharply'} in a day, and decide only when it rings.`,
        () =>
          'Try keeping a three-line entry checklist (trend, level, risk) and tick it off before every entry after a spike.',
      ],
      strict: [
        () =>
          'Before your next entry, write the exact reason and your exit level in your journal; no written reason, no trade.',
        () =>
          'Make it a rule: after any fast 24-hour move, wait for one full hourly candle to close before you place anything.',
        () => 'Keep a hard checklist for entries after a spike and skip any trade that fails one line of it.',
      ],
    },
  },
  PANIC: {
    observations: [
      (f) =>
        f.loss &&
        f.drawdown &&
        `You sold ${f.asset} at a ${f.loss} loss after the price had dropped ${f.drawdown} from its 72-hour high.`,
      (f) =>
        f.rsi &&
        f.drawdown &&
        `This exit came with RSI(14) down at ${f.rsi} and the price ${f.drawdown} off its recent high, the moment fear tends to peak.`,
      (f) =>
        f.loss &&
        `You closed at a ${f.loss} loss while the price was sliding, a decision made mid-drop rather than at a planned level.`,
    ],
    fallback: () => 'You sold into a sharp dip, which is what a panic exit usually looks like.',
    habits: {
      supportive: [
        () =>
          'Before your next trade, write down the price where you would exit, so a sudden drop meets a plan instead of a gut reaction.',
        () =>
          'When a position drops fast, take three slow breaths and reread your trade plan before you act.',
        () =>
          'Try setting a price alert at your planned stop so the decision is made in advance, not in the heat of the drop.',
      ],
      strict: [
        () =>
          'Decide your stop level before every entry and log it; if it is not written down, do not improvise an exit during a drop.',
        () => 'Set your stop when you enter and leave it alone, so exits happen at the level you planned.',
        () => 'Keep a rule: no exit within 15 minutes of a sharp drop unless your written stop is hit.',
      ],
    },
  },
  DISCIPLINE: {
    observations: [
      (f) =>
        f.held &&
        f.plannedHold &&
        `You held ${f.asset} for ${f.held}, in line with your planned hold of ${f.plannedHold}.`,
      (f) =>
        f.loss && `You cut this loss at ${f.loss}, inside your stop, exactly as a plan is meant to work.`,
      (f) =>
        f.support &&
        `You bought ${f.asset} within ${f.support} of its 72-hour low, a patient entry near support rather than a chase.`,
      (f) =>
        f.held &&
        `You stayed with this ${f.action === 'exit' ? 'position' : 'plan'} for ${f.held} and followed your own rules.`,
    ],
    fallback: () => 'This trade followed your rules from start to finish.',
    habits: {
      supportive: [
        () => 'Keep a note of what made this trade feel calm, and reread it before your next entry.',
        () => 'Log this one in your journal as a model trade so you can compare future trades with it.',
        () =>
          'Keep using the same checklist on your next trade; consistency is what turns one good trade into a habit.',
      ],
      strict: [
        () => 'Repeat exactly this process next time and write down any step you skip.',
        () => 'Review this trade at the end of the week and note the one step that made it work.',
        () => 'Keep the rule and keep logging it, because one good trade is not yet a habit.',
      ],
    },
  },
  REVENGE: {
    observations: [
      (f) =>
        f.sinceLoss &&
        f.sizeRatio &&
        `You opened this position ${f.sinceLoss} after a losing exit, at ${f.sizeRatio} the size of your previous entry.`,
      (f) =>
        f.lastLoss &&
        f.sinceLoss &&
        `Only ${f.sinceLoss} after taking a ${f.lastLoss} loss, you were back in with a bigger position.`,
      (f) =>
        f.sizeRatio &&
        `This entry was ${f.sizeRatio} your previous size and came straight after a loss, the pattern of trying to win it back.`,
    ],
    fallback: () => 'You re-entered quickly and with more size right after a losing trade.',
    habits: {
      supportive: [
        () =>
          'After a losing exit, step away from the screen for at least an hour and write one sentence about what happened.',
        () => 'Try a simple rule: after a loss, your next position is the same size or smaller.',
        () => 'Set a 60-minute timer after any loss and use it to review the trade in your journal.',
      ],
      strict: [
        () =>
          'Rule: after any losing exit, no new position for 60 minutes and never a larger one than the last.',
        () =>
          'Write the loss down, close the chart and take a break before the next entry; size goes down after a loss, not up.',
        () => 'Keep a hard cap: the first trade after a loss uses half your normal size.',
      ],
    },
  },
  OVERTRADING: {
    observations: [
      (f) =>
        f.tradeNumber &&
        f.usualTrades &&
        `This was trade ${f.tradeNumber} of the day, against your usual ${f.usualTrades} a day.`,
      (f) =>
        f.earlierTrades && `You had already made ${f.earlierTrades} trades today when you placed this one.`,
    ],
    fallback: () => 'You traded far more often today than you normally do.',
    habits: {
      supportive: [
        () =>
          'Pick a daily trade limit, write it on a sticky note by your screen, and stop for the day when you reach it.',
        () =>
          'After your third trade of the day, take a 30-minute break and check whether the next one is in your plan.',
        () => 'Try a short end-of-day review of every trade to see which ones you actually planned.',
      ],
      strict: [
        (f) => `Set a hard limit of ${f.dailyCap} trades a day and log off once you reach it.`,
        () =>
          'Every trade past your usual count needs a written reason in your journal first; no reason, no trade.',
        () => 'Close the trading app for the rest of the day once you pass your normal trade count.',
      ],
    },
  },
  EARLY_EXIT: {
    observations: [
      (f) =>
        f.held &&
        f.plannedHold &&
        `You closed after ${f.held}, well before your planned hold of ${f.plannedHold}.`,
      (f) =>
        f.gain &&
        f.held &&
        `You took a ${f.gain} gain after only ${f.held}, before your plan had time to play out.`,
      (f) => f.held && `This position lasted just ${f.held}, shorter than your own plan.`,
    ],
    fallback: () => 'You closed this position before your plan said to.',
    habits: {
      supportive: [
        () =>
          'Next time, write the planned exit time in your journal at entry and check it before closing early.',
        () => 'Try setting an alert for your planned holding time so the exit decision waits for it.',
        () =>
          'When you feel the urge to close early, note the reason first and look back at those notes after a few trades.',
      ],
      strict: [
        () =>
          'Rule: no exit before the planned holding time unless your stop is hit, and log every exception.',
        () => 'Before closing early, write the reason down; if it is only nerves, the plan stands.',
        () => 'Set the exit time when you enter and keep to it, so the plan decides and not the last candle.',
      ],
    },
  },
  LATE_EXIT: {
    observations: [
      (f) =>
        f.loss &&
        f.held &&
        `You held this losing position for ${f.held} and closed it at a ${f.loss} loss, past your stop.`,
      (f) => f.loss && `The loss reached ${f.loss} before you closed, further than your stop allowed.`,
      (f) =>
        f.loss &&
        f.drawdown &&
        `You closed at a ${f.loss} loss with the price ${f.drawdown} below its recent high, well past your stop.`,
    ],
    fallback: () => 'You let this loss run past your stop.',
    habits: {
      supportive: [
        () =>
          'Next time, set the stop order as soon as you enter so the exit does not depend on a hard decision in the moment.',
        () => 'Try writing your stop level in your journal at entry and setting a price alert at it.',
        () => 'Set a price alert just above your stop, so you get a calm moment to follow the plan.',
      ],
      strict: [
        () => 'Rule: the stop goes in with the entry, every time, and it is never moved further away.',
        () => 'Set your stop at entry and log any trade where you moved it.',
        () =>
          'Before every entry, write the stop level down, because a stop that only lives in your head is not a stop.',
      ],
    },
  },
  NEUTRAL: {
    observations: [
      (f) =>
        f.change24 &&
        f.rsi &&
        `This ${f.action} came after a ${f.change24} move in 24 hours with RSI(14) at ${f.rsi}, with no sign of a bias.`,
      (f) =>
        f.held &&
        f.result &&
        `You held for ${f.held} and closed with a ${f.result} result, without crossing any of your rules.`,
    ],
    fallback: () => 'Nothing in this trade crossed your behaviour rules.',
    habits: {
      supportive: [
        () => 'Keep logging your reason for each trade so quiet ones like this stay easy to review.',
        () =>
          'Note how you felt during this trade in your journal, because calm trades are worth learning from too.',
        () => 'Keep checking your plan before each entry, as you did here.',
      ],
      strict: [
        () => 'Keep writing a one-line plan before every entry, even for trades that feel routine.',
        () => 'Review this trade at the end of the week and check it against your written plan.',
        () => 'Log the entry reason and the exit reason for this trade before the next one.',
      ],
    },
  },
};
