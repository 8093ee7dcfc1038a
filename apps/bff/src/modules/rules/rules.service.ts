import {
  DEFAULT_RULE_PARAMS,
  RULE_KINDS,
  RuleParamsSchemas,
  RuleProvenanceSchema,
  RuleResetRequestSchema,
  RuleUpsertRequestSchema,
  parseOrThrow,
  type BiasRule,
  type RuleDto,
  type RuleKind,
  type RuleProvenance,
} from '@tt/shared';
import type { Database } from '@tt/db';
import { RuleErrors } from './rules.errors';
import {
  deleteRule,
  listRules,
  reflectionVotes,
  scoredFeatures,
  tradeCount,
  upsertRule,
  type RuleRow,
} from './rules.repository';
import {
  LABEL_OF_KIND,
  MIN_TRADES,
  PERSONALISED_KINDS,
  personalise,
  type PersonalisedKind,
  type PersonalisedRule,
  type Votes,
} from './personalisation';

export interface RulesService {
  /** Every kind, with the user's own rule where there is one and the default otherwise. */
  list(userId: string): Promise<RuleDto[]>;
  upsert(userId: string, body: unknown): Promise<RuleDto>;
  /**
   * `to: default` puts a kind back to its default (for fomo and panic it also keeps
   * personalisation off for it); `to: personalised` personalises it now (≥ 30 trades) and keeps
   * it personalised. Either way the user's trades are re-scored.
   */
  reset(userId: string, body: unknown): Promise<RuleDto>;
  /**
   * Re-runs personalisation for the kinds it manages (no rule yet, or a personalised one) and
   * stores what changed; nothing below 30 trades. Returns the kinds it changed.
   */
  personalise(userId: string): Promise<RuleKind[]>;
  /** What the scorer takes: the user's rules (kinds left out use the defaults). */
  forScoring(userId: string): Promise<BiasRule[]>;
}

const RESET_NOTE =
  'Set back to the default; personalisation is off for this rule until you ask for it again.';

const provenanceOf = (row: RuleRow | undefined): RuleProvenance | null => {
  const parsed = RuleProvenanceSchema.safeParse(row?.provenance);
  return parsed.success ? parsed.data : null;
};
const isPersonalisedKind = (kind: RuleKind): kind is PersonalisedKind =>
  (PERSONALISED_KINDS as readonly string[]).includes(kind);
/** Flat objects equal whatever their key order (jsonb reorders keys). */
const sameParams = (a: object, b: object) => {
  const canonical = (o: object) => JSON.stringify(o, Object.keys(o).sort());
  return canonical(a) === canonical(b);
};

function toDto(kind: RuleKind, row: RuleRow | undefined): RuleDto {
  const provenance = provenanceOf(row);
  return {
    kind,
    params: (row?.params ?? DEFAULT_RULE_PARAMS[kind]) as Record<string, number>,
    active: row?.active ?? kind !== 'avoidSpikeOverPct',
    provenance,
    isDefault: !row || provenance?.source === 'reset',
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

export function createRulesService(deps: {
  db: Database;
  onChange?: (userId: string) => Promise<void>;
  now?: () => Date;
}): RulesService {
  const now = deps.now ?? (() => new Date());
  const ownRules = async (userId: string) =>
    new Map((await listRules(deps.db, userId)).map((r) => [r.kind as RuleKind, r]));

  /** The personalised thresholds for the user now, with each kind's vote ledger; null below 30 trades. */
  async function compute(userId: string, own: Map<RuleKind, RuleRow>) {
    const trades = await tradeCount(deps.db, userId);
    if (trades < MIN_TRADES) return { trades, rules: null };
    const features = await scoredFeatures(deps.db, userId);
    const current = await reflectionVotes(deps.db, userId, Object.values(LABEL_OF_KIND));
    const ledgers = {} as Record<PersonalisedKind, Record<string, 'up' | 'down'>>;
    const votes = {} as Record<PersonalisedKind, Votes>;
    for (const kind of PERSONALISED_KINDS) {
      // Votes already counted stay counted even if a re-score replaced their reflection.
      const ledger = { ...(own.get(kind)?.feedback ?? {}) };
      for (const vote of current) if (vote.label === LABEL_OF_KIND[kind]) ledger[vote.id] = vote.feedback;
      ledgers[kind] = ledger;
      const values = Object.values(ledger);
      votes[kind] = {
        up: values.filter((v) => v === 'up').length,
        down: values.filter((v) => v === 'down').length,
      };
    }
    return { trades, rules: personalise({ trades, features, votes, now: now() }), ledgers };
  }

  const store = (
    userId: string,
    rule: PersonalisedRule,
    active: boolean,
    feedback: Record<string, 'up' | 'down'>,
  ) =>
    upsertRule(deps.db, {
      userId,
      kind: rule.kind,
      params: rule.params,
      active,
      provenance: rule.provenance,
      feedback,
    });

  return {
    async list(userId) {
      const own = await ownRules(userId);
      return RULE_KINDS.map((kind) => toDto(kind, own.get(kind)));
    },

    async upsert(userId, body) {
      const input = parseOrThrow(RuleUpsertRequestSchema, body, 'body');
      const params = parseOrThrow(RuleParamsSchemas[input.kind], input.params, 'body.params');
      const row = await upsertRule(deps.db, {
        userId,
        kind: input.kind,
        params,
        active: input.active ?? true,
        provenance: null,
      });
      await deps.onChange?.(userId);
      return toDto(input.kind, row);
    },

    async reset(userId, body) {
      const { kind, to } = parseOrThrow(RuleResetRequestSchema, body, 'body');
      const own = await ownRules(userId);
      const active = own.get(kind)?.active ?? kind !== 'avoidSpikeOverPct';
      let row: RuleRow | undefined;
      if (to === 'personalised') {
        if (!isPersonalisedKind(kind)) {
          throw RuleErrors.NOT_PERSONALISABLE({
            detail: `Only ${PERSONALISED_KINDS.join(' and ')} thresholds are personalised; ${kind} is your own plan.`,
          });
        }
        const result = await compute(userId, own);
        const rule = result.rules?.find((r) => r.kind === kind);
        if (!rule || !result.ledgers) {
          throw RuleErrors.NOT_ENOUGH_TRADES({
            detail: `Personalisation needs at least ${MIN_TRADES} trades; you have ${result.trades}.`,
          });
        }
        row = await store(userId, rule, active, result.ledgers[kind]);
      } else if (isPersonalisedKind(kind)) {
        const provenance: RuleProvenance = {
          source: 'reset',
          resetAt: now().toISOString(),
          note: RESET_NOTE,
        };
        row = await upsertRule(deps.db, {
          userId,
          kind,
          params: DEFAULT_RULE_PARAMS[kind],
          active,
          provenance,
        });
      } else {
        await deleteRule(deps.db, userId, kind);
      }
      await deps.onChange?.(userId);
      return toDto(kind, row);
    },

    async personalise(userId) {
      const own = await ownRules(userId);
      const result = await compute(userId, own);
      if (!result.rules || !result.ledgers) return [];
      const changed: RuleKind[] = [];
      for (const rule of result.rules) {
        const row = own.get(rule.kind);
        // A rule the user set by hand, reset, or switched off is theirs: personalisation leaves it.
        if (row && (provenanceOf(row)?.source !== 'personalised' || !row.active)) continue;
        const current = (row?.params ?? DEFAULT_RULE_PARAMS[rule.kind]) as object;
        if (sameParams(current, rule.params)) {
          // Same numbers: keep newly counted votes without re-scoring anything.
          if (row && !sameParams(row.feedback, result.ledgers[rule.kind]))
            await store(userId, rule, true, result.ledgers[rule.kind]);
          continue;
        }
        await store(userId, rule, true, result.ledgers[rule.kind]);
        changed.push(rule.kind);
      }
      if (changed.length > 0) await deps.onChange?.(userId);
      return changed;
    },

    async forScoring(userId) {
      // A reset rule scores as the default (and is worded as the default), unless switched off.
      return (await listRules(deps.db, userId))
        .filter((r) => !(r.active && provenanceOf(r)?.source === 'reset'))
        .map((r) => ({ kind: r.kind, params: r.params, active: r.active }) as BiasRule);
    },
  };
}
