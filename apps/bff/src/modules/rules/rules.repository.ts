import { and, eq } from 'drizzle-orm';
import { rules, type Executor } from '@tt/db';

export type RuleRow = typeof rules.$inferSelect;

export async function listRules(db: Executor, userId: string): Promise<RuleRow[]> {
  return db.select().from(rules).where(eq(rules.userId, userId)).orderBy(rules.kind);
}

/** One rule per kind per user: a second upsert of a kind replaces the first. */
export async function upsertRule(
  db: Executor,
  values: { userId: string; kind: string; params: unknown; active: boolean; provenance: unknown },
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
        updatedAt: new Date(),
      },
    })
    .returning();
  return row!;
}

export async function deleteRule(db: Executor, userId: string, kind: string): Promise<void> {
  await db.delete(rules).where(and(eq(rules.userId, userId), eq(rules.kind, kind)));
}
