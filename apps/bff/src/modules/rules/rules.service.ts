import {
  DEFAULT_RULE_PARAMS,
  RULE_KINDS,
  RuleParamsSchemas,
  RuleUpsertRequestSchema,
  parseOrThrow,
  type BiasRule,
  type RuleDto,
} from '@tt/shared';
import type { Database } from '@tt/db';
import { listRules, upsertRule } from './rules.repository';

export interface RulesService {
  /** Every kind, with the user's own rule where there is one and the default otherwise. */
  list(userId: string): Promise<RuleDto[]>;
  upsert(userId: string, body: unknown): Promise<RuleDto>;
  /** What the scorer takes: the user's rules (kinds left out use the defaults). */
  forScoring(userId: string): Promise<BiasRule[]>;
}

export function createRulesService(deps: {
  db: Database;
  onChange?: (userId: string) => Promise<void>;
}): RulesService {
  return {
    async list(userId) {
      const own = new Map((await listRules(deps.db, userId)).map((r) => [r.kind, r]));
      return RULE_KINDS.map((kind) => {
        const row = own.get(kind);
        return {
          kind,
          params: (row?.params ?? DEFAULT_RULE_PARAMS[kind]) as Record<string, number>,
          active: row?.active ?? kind !== 'avoidSpikeOverPct',
          provenance: row?.provenance ?? null,
          isDefault: !row,
          updatedAt: row?.updatedAt.toISOString() ?? null,
        };
      });
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
      return {
        kind: input.kind,
        params: row.params as Record<string, number>,
        active: row.active,
        provenance: row.provenance,
        isDefault: false,
        updatedAt: row.updatedAt.toISOString(),
      };
    },
    async forScoring(userId) {
      return (await listRules(deps.db, userId)).map(
        (r) => ({ kind: r.kind, params: r.params, active: r.active }) as BiasRule,
      );
    },
  };
}
