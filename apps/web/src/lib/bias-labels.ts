import type { BiasLabel } from '@tt/shared';

export interface BiasLabelInfo {
  /** Short name for chips and chart legends. */
  name: string;
  /** One line a trader understands without the jargon. */
  meaning: string;
  /** Whether the habit costs money (chips are coloured by it, and always named in words too). */
  kind: 'costly' | 'good' | 'neutral';
}

export const BIAS_LABEL_INFO: Record<BiasLabel, BiasLabelInfo> = {
  FOMO: { name: 'FOMO', meaning: 'Bought into a fast run-up, afraid to miss out.', kind: 'costly' },
  PANIC: { name: 'Panic sell', meaning: 'Sold into a sharp drop.', kind: 'costly' },
  REVENGE: {
    name: 'Revenge trade',
    meaning: 'Jumped back in soon after a loss, often bigger.',
    kind: 'costly',
  },
  OVERTRADING: { name: 'Overtrading', meaning: 'Far more trades than usual that day.', kind: 'costly' },
  EARLY_EXIT: {
    name: 'Early exit',
    meaning: 'Closed a position before its planned hold time.',
    kind: 'costly',
  },
  LATE_EXIT: { name: 'Late exit', meaning: 'Held on past the stop level.', kind: 'costly' },
  DISCIPLINE: { name: 'Disciplined', meaning: 'Kept to the plan.', kind: 'good' },
  NEUTRAL: { name: 'Neutral', meaning: 'Nothing stood out.', kind: 'neutral' },
};

/** Colours for charts; each passes 3:1 against the white chart background. */
export const BIAS_LABEL_COLOURS: Record<BiasLabel, string> = {
  FOMO: '#c2410c',
  PANIC: '#b91c1c',
  REVENGE: '#7e22ce',
  OVERTRADING: '#a16207',
  EARLY_EXIT: '#0e7490',
  LATE_EXIT: '#be185d',
  DISCIPLINE: '#15803d',
  NEUTRAL: '#525252',
};
