import { DEFAULT_RULE_PARAMS, RULE_KINDS, type BiasRule, type RuleKind, type RuleParams } from '@tt/shared';

/** A threshold in force for one scoring, and whether it is the user's own or our default. */
export interface Threshold<K extends RuleKind> {
  readonly params: RuleParams[K];
  readonly source: 'user' | 'default';
}

/** One entry per rule kind; null when the check is switched off. */
export type Thresholds = { readonly [K in RuleKind]: Threshold<K> | null };

/** Kinds that only run when the user has set them (no default check). */
const OPT_IN: ReadonlySet<RuleKind> = new Set<RuleKind>(['avoidSpikeOverPct']);

const DEFAULT_THRESHOLDS = Object.freeze(
  Object.fromEntries(
    RULE_KINDS.map((kind) => [
      kind,
      OPT_IN.has(kind) ? null : { params: DEFAULT_RULE_PARAMS[kind], source: 'default' },
    ]),
  ),
) as Thresholds;

/**
 * The user's active rules over the defaults. An inactive rule switches its check off; a kind the
 * user has no rule for uses DEFAULT_RULE_PARAMS, except opt-in kinds, which stay off.
 */
export function resolveThresholds(rules: readonly BiasRule[] | undefined): Thresholds {
  if (!rules || rules.length === 0) return DEFAULT_THRESHOLDS;
  const resolved: Record<string, Threshold<RuleKind> | null> = { ...DEFAULT_THRESHOLDS };
  for (const rule of rules) {
    resolved[rule.kind] = rule.active === false ? null : { params: rule.params, source: 'user' };
  }
  return resolved as Thresholds;
}
