import type { Database } from '@tt/db';
import type { Vault } from '../../infra/keys';
import type { Logger } from '../../logger';
import { vaultContext, type ConnectionOwner } from './brokers.credentials';
import {
  countByKeyId,
  findSealedConnection,
  listRowsToRewrap,
  replaceSealed,
  type ConnectionRow,
  type SealedCredentials,
} from './brokers.repository';

export interface RewrapOptions {
  db: Database;
  /** A vault whose newest key is the one to re-wrap under. */
  vault: Vault;
  logger?: Logger;
  /** Rows read per query. Default 200. */
  batchSize?: number;
}

export interface RewrapSummary {
  table: 'broker_connections';
  keyId: string;
  /** Rows found under an older key. */
  scanned: number;
  rewrapped: number;
  /** Rows that another writer moved to the newest key first (a token refresh seals under it). */
  alreadyCurrent: number;
  /** Rows disconnected while the run was under way. */
  deleted: number;
  /** Ids of rows that could not be opened (unknown key, tampered blob); they stay as they were. */
  failed: string[];
  /** Rows per key id after the run. */
  byKeyId: Record<string, number>;
}

/** Attempts per row when a token refresh swaps the blobs between our read and our write. */
const ROW_ATTEMPTS = 5;

function rewrapRow(vault: Vault, row: ConnectionRow): SealedCredentials {
  const owner: ConnectionOwner = { userId: row.userId, connectionId: row.id };
  const access = vault.rewrap({ keyId: row.keyId, blob: row.accessEnc }, vaultContext(owner, 'access'));
  const refresh = row.refreshEnc
    ? vault.rewrap({ keyId: row.keyId, blob: row.refreshEnc }, vaultContext(owner, 'refresh'))
    : null;
  return { accessEnc: access.blob, refreshEnc: refresh?.blob ?? null, keyId: access.keyId };
}

type RowOutcome = 'rewrapped' | 'alreadyCurrent' | 'deleted' | 'failed';

async function rewrapOne(options: RewrapOptions, first: ConnectionRow): Promise<RowOutcome> {
  const { db, vault } = options;
  let row: ConnectionRow | undefined = first;
  for (let attempt = 0; attempt < ROW_ATTEMPTS; attempt++) {
    if (!row) return 'deleted';
    if (row.keyId === vault.currentKeyId()) return 'alreadyCurrent';
    let next: SealedCredentials;
    try {
      next = rewrapRow(vault, row);
    } catch (error) {
      options.logger?.warn(
        {
          connectionId: row.id,
          keyId: row.keyId,
          reason: error instanceof Error ? error.message : 'unknown',
        },
        'sealed credentials could not be re-wrapped',
      );
      return 'failed';
    }
    if (await replaceSealed(db, row.id, row, next)) return 'rewrapped';
    row = await findSealedConnection(db, row.id);
  }
  return 'failed';
}

/**
 * Re-wraps the data key of every sealed broker credential under the vault's newest master key, in
 * keyset batches. Ciphertexts are untouched; each row is swapped in with a compare-and-swap on the
 * blobs it read, so a token refresh running at the same time is never overwritten.
 */
export async function rewrapBrokerConnections(options: RewrapOptions): Promise<RewrapSummary> {
  const keyId = options.vault.currentKeyId();
  const summary: RewrapSummary = {
    table: 'broker_connections',
    keyId,
    scanned: 0,
    rewrapped: 0,
    alreadyCurrent: 0,
    deleted: 0,
    failed: [],
    byKeyId: {},
  };
  let afterId: string | null = null;
  for (;;) {
    const batch = await listRowsToRewrap(options.db, keyId, afterId, options.batchSize ?? 200);
    if (batch.length === 0) break;
    for (const row of batch) {
      summary.scanned += 1;
      const outcome = await rewrapOne(options, row);
      if (outcome === 'failed') summary.failed.push(row.id);
      else summary[outcome] += 1;
    }
    afterId = batch[batch.length - 1]!.id;
  }
  summary.byKeyId = await countByKeyId(options.db);
  return summary;
}
