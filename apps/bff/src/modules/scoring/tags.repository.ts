import { and, eq, isNull } from 'drizzle-orm';
import { anyUuid, biasTags, jsonRows, reflections, type Executor } from '@tt/db';

export interface NewTag {
  tradeId: string;
  userId: string;
  label: string;
  confidence: number;
  reasons: string[];
  features: Record<string, unknown>;
}

/** Re-scoring replaces a trade's tags as a whole, never leaving a mix of old and new. */
export async function replaceTags(tx: Executor, tradeIds: string[], tags: NewTag[]): Promise<void> {
  if (tradeIds.length === 0) return;
  await tx.delete(biasTags).where(anyUuid(biasTags.tradeId, tradeIds));
  for (let i = 0; i < tags.length; i += 1000)
    await tx.insert(biasTags).select(jsonRows(biasTags, tags.slice(i, i + 1000)));
}

export interface NewReflection {
  userId: string;
  tradeId: string;
  label: string;
  tone: string;
  text: string;
  source: string;
}

/** Reflections written by scoring carry this source; ones a trader asked for are kept on a re-score. */
export const SCORING_REFLECTION = 'scoring';

/** The coach's reflection on each scored exit; a re-score writes a fresh one. */
export async function replaceAutoReflections(
  tx: Executor,
  tradeIds: string[],
  rows: NewReflection[],
): Promise<void> {
  if (tradeIds.length === 0) return;
  await tx.delete(reflections).where(
    // A reflection the trader voted on stays: the vote is their history, and personalisation's evidence.
    and(
      anyUuid(reflections.tradeId, tradeIds),
      eq(reflections.source, SCORING_REFLECTION),
      isNull(reflections.feedback),
    ),
  );
  for (let i = 0; i < rows.length; i += 1000)
    await tx.insert(reflections).select(jsonRows(reflections, rows.slice(i, i + 1000)));
}
