import { and, asc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { brokerConnections, type Executor } from '@tt/db';
import type { BrokerConnectionStatus, BrokerId } from '@tt/shared';

export type ConnectionRow = typeof brokerConnections.$inferSelect;

/** The columns that never leave the repository sealed or not: everything but the credentials. */
export type ConnectionSummary = Omit<ConnectionRow, 'accessEnc' | 'refreshEnc'>;

/** Sealed credentials as one unit: both blobs are always written under the same master key. */
export interface SealedCredentials {
  accessEnc: Buffer;
  refreshEnc: Buffer | null;
  keyId: string;
}

export interface CredentialsWrite extends SealedCredentials {
  scope: string;
  expiresAt: Date | null;
}

const summaryColumns = {
  id: brokerConnections.id,
  userId: brokerConnections.userId,
  broker: brokerConnections.broker,
  status: brokerConnections.status,
  keyId: brokerConnections.keyId,
  scope: brokerConnections.scope,
  expiresAt: brokerConnections.expiresAt,
  syncState: brokerConnections.syncState,
  lastSyncAt: brokerConnections.lastSyncAt,
  lastError: brokerConnections.lastError,
  createdAt: brokerConnections.createdAt,
  updatedAt: brokerConnections.updatedAt,
};

export async function listUserConnections(db: Executor, userId: string): Promise<ConnectionSummary[]> {
  return db
    .select(summaryColumns)
    .from(brokerConnections)
    .where(eq(brokerConnections.userId, userId))
    .orderBy(asc(brokerConnections.broker));
}

export async function findUserConnection(
  db: Executor,
  userId: string,
  broker: BrokerId,
): Promise<ConnectionSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(brokerConnections)
    .where(and(eq(brokerConnections.userId, userId), eq(brokerConnections.broker, broker)));
  return row;
}

/** The whole row, sealed credentials included: only the credential providers and the rewrap read this. */
export async function findSealedConnection(db: Executor, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(brokerConnections).where(eq(brokerConnections.id, id));
  return row;
}

export async function listConnectionsByStatus(
  db: Executor,
  status: BrokerConnectionStatus,
  userId?: string,
): Promise<ConnectionSummary[]> {
  return db
    .select(summaryColumns)
    .from(brokerConnections)
    .where(
      userId === undefined
        ? eq(brokerConnections.status, status)
        : and(eq(brokerConnections.status, status), eq(brokerConnections.userId, userId)),
    )
    .orderBy(asc(brokerConnections.id));
}

/**
 * Inserts the connection, or replaces the credentials of the user's existing one for this broker
 * (status back to active, error and cursor cleared). The sealed values are bound to `id`, so the
 * update only applies when the existing row has that id; `undefined` means another row won the
 * race and the caller must seal again for that row's id.
 */
export async function upsertConnection(
  db: Executor,
  input: { id: string; userId: string; broker: BrokerId } & CredentialsWrite,
): Promise<ConnectionSummary | undefined> {
  const credentials = {
    accessEnc: input.accessEnc,
    refreshEnc: input.refreshEnc,
    keyId: input.keyId,
    scope: input.scope,
    expiresAt: input.expiresAt,
  };
  const [row] = await db
    .insert(brokerConnections)
    .values({ id: input.id, userId: input.userId, broker: input.broker, status: 'active', ...credentials })
    .onConflictDoUpdate({
      target: [brokerConnections.userId, brokerConnections.broker],
      set: {
        ...credentials,
        status: 'active',
        // A reconnect may be a different exchange account: start its cursor afresh (fills dedupe by extId).
        syncState: null,
        lastError: null,
        updatedAt: sql`now()`,
      },
      setWhere: eq(brokerConnections.id, input.id),
    })
    .returning(summaryColumns);
  return row;
}

/**
 * Compare-and-swap of the tokens: applies only while the row still holds `expectedRefreshEnc`
 * (the blob the caller read), so a rotated refresh token is never overwritten by a stale writer.
 */
export async function replaceTokens(
  db: Executor,
  id: string,
  expectedRefreshEnc: Buffer,
  next: CredentialsWrite,
): Promise<boolean> {
  const rows = await db
    .update(brokerConnections)
    .set({ ...next, updatedAt: sql`now()` })
    .where(and(eq(brokerConnections.id, id), eq(brokerConnections.refreshEnc, expectedRefreshEnc)))
    .returning({ id: brokerConnections.id });
  return rows.length === 1;
}

export async function setStatus(
  db: Executor,
  id: string,
  status: BrokerConnectionStatus,
): Promise<ConnectionSummary | undefined> {
  const [row] = await db
    .update(brokerConnections)
    .set({ status, updatedAt: sql`now()` })
    .where(eq(brokerConnections.id, id))
    .returning(summaryColumns);
  return row;
}

export async function markBroken(
  db: Executor,
  id: string,
  error: { code: string; message: string },
): Promise<void> {
  await db
    .update(brokerConnections)
    .set({ status: 'error', lastError: error, updatedAt: sql`now()` })
    .where(eq(brokerConnections.id, id));
}

export async function setLastError(
  db: Executor,
  id: string,
  error: { code: string; message: string } | null,
): Promise<void> {
  await db
    .update(brokerConnections)
    .set({ lastError: error, updatedAt: sql`now()` })
    .where(eq(brokerConnections.id, id));
}

export async function setSyncState(db: Executor, id: string, syncState: unknown): Promise<void> {
  await db
    .update(brokerConnections)
    .set({ syncState, updatedAt: sql`now()` })
    .where(eq(brokerConnections.id, id));
}

export async function setLastSyncAt(db: Executor, id: string, at: Date): Promise<void> {
  await db
    .update(brokerConnections)
    .set({ lastSyncAt: at, updatedAt: sql`now()` })
    .where(eq(brokerConnections.id, id));
}

export async function deleteConnection(db: Executor, id: string): Promise<boolean> {
  const rows = await db
    .delete(brokerConnections)
    .where(eq(brokerConnections.id, id))
    .returning({ id: brokerConnections.id });
  return rows.length === 1;
}

/** One keyset page of rows sealed under any key but `currentKeyId`, in id order. */
export async function listRowsToRewrap(
  db: Executor,
  currentKeyId: string,
  afterId: string | null,
  limit: number,
): Promise<ConnectionRow[]> {
  const notCurrent = ne(brokerConnections.keyId, currentKeyId);
  return db
    .select()
    .from(brokerConnections)
    .where(afterId === null ? notCurrent : and(notCurrent, gt(brokerConnections.id, afterId)))
    .orderBy(asc(brokerConnections.id))
    .limit(limit);
}

/** Swaps re-wrapped blobs in only while the row still holds the ones that were re-wrapped. */
export async function replaceSealed(
  db: Executor,
  id: string,
  expected: SealedCredentials,
  next: SealedCredentials,
): Promise<boolean> {
  const refreshUnchanged =
    expected.refreshEnc === null
      ? isNull(brokerConnections.refreshEnc)
      : eq(brokerConnections.refreshEnc, expected.refreshEnc);
  const rows = await db
    .update(brokerConnections)
    .set({ accessEnc: next.accessEnc, refreshEnc: next.refreshEnc, keyId: next.keyId })
    .where(
      and(
        eq(brokerConnections.id, id),
        eq(brokerConnections.keyId, expected.keyId),
        eq(brokerConnections.accessEnc, expected.accessEnc),
        refreshUnchanged,
      ),
    )
    .returning({ id: brokerConnections.id });
  return rows.length === 1;
}

/** Counts rows per master key id, for the rotation summary. */
export async function countByKeyId(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .select({ keyId: brokerConnections.keyId, count: sql<number>`count(*)::int` })
    .from(brokerConnections)
    .groupBy(brokerConnections.keyId);
  return Object.fromEntries(rows.map((r) => [r.keyId, Number(r.count)]));
}
