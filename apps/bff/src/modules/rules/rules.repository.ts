import { and, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { BiasFeatures } from '@tt/shared';
import { biasTags, reflections, rules, trades, type Executor } from '@tt/db';

export type RuleRow = typeof rules.$inferSelect;

export type EvidenceFeatures = Pick<
  BiasFeatures,
  'side' | 'pnl_exit' | 'pct_change_24h_before' | 'RSI_14' | 'BB_pos' | 'drawdown_recent'
>;

export async function listRules(db: Executor, userId: string): Promise<RuleRow[]> {
  return db.select().from(rules).where(eq(rules.userId, userId)).orderBy(rules.kind);
}

/**
 * One rule per kind per user: a second upsert of a kind replaces the first. The vote ledger is
 * replaced only when given (a rule set by hand keeps the votes counted so far).
 */
export async function upsertRule(
  db: Executor,
  values: {
    userId: string;
    kind: string;
    params: unknown;
    active: boolean;
    provenance: unknown;
    feedback?: Record<string, 'up' | 'down'>;
  },
): Promise<RuleRow> {
  const [row] = await db
    .insert(rules)
    .values(values)
    .onConflictDoUpdate({
      target: [rules.userId, rules.kind],
      set: {
        params: values.params,
        active: values.active,
        provenance: values.provenance,
        ...(values.feedback ? { feedback: values.feedback } : {}),
        updatedAt: new Date(),
      },
    })
    .returning();
  return row!;
}

export async function deleteRule(db: Executor, userId: string, kind: string): Promise<void> {
  await db.delete(rules).where(and(eq(rules.userId, userId), eq(rules.kind, kind)));
}

/*
 * Personalisation's evidence, read-only from the tables scoring and the coach write.
 */

export async function tradeCount(db: Executor, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
  return row?.n ?? 0;
}

/**
 * The features personalisation reads, one set per scored trade (every tag of a trade carries the
 * same features), extracted in SQL so that large histories do not travel as whole JSON documents.
 */
export async function scoredFeatures(db: Executor, userId: string): Promise<EvidenceFeatures[]> {
  // Keys are constants of ours, spelled into the statement.
  const number = (key: string) => {
    const k = sql.raw(`'${key}'`);
    return sql<
      number | null
    >`case when jsonb_typeof(${biasTags.features}->${k}) = 'number' then (${biasTags.features}->>${k})::float8 end`;
  };
  const rows = await db
    .selectDistinctOn([biasTags.tradeId], {
      tradeId: biasTags.tradeId,
      side: sql<string | null>`${biasTags.features}->>'side'`,
      pnl_exit: number('pnl_exit'),
      pct_change_24h_before: number('pct_change_24h_before'),
      RSI_14: number('RSI_14'),
      BB_pos: number('BB_pos'),
      drawdown_recent: number('drawdown_recent'),
    })
    .from(biasTags)
    .where(eq(biasTags.userId, userId))
    .orderBy(biasTags.tradeId);
  return rows.map(({ tradeId: _tradeId, side, ...values }) => ({
    ...values,
    side: side === 'BUY' || side === 'SELL' ? side : null,
  }));
}

/** The user's votes on reflections of the given labels. */
export async function reflectionVotes(db: Executor, userId: string, labels: readonly string[]) {
  const rows = await db
    .select({ id: reflections.id, label: reflections.label, feedback: reflections.feedback })
    .from(reflections)
    .where(
      and(
        eq(reflections.userId, userId),
        isNotNull(reflections.feedback),
        inArray(reflections.label, [...labels]),
      ),
    );
  return rows.filter(
    (r): r is typeof r & { feedback: 'up' | 'down' } => r.feedback === 'up' || r.feedback === 'down',
  );
}
