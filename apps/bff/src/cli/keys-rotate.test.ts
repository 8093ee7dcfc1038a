import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerConnections, openDatabase, type DatabaseHandle } from '@tt/db';
import { loadConfig } from '../config/config';
import { createVault, parseKeySpec } from '../infra/keys';
import { rotateKeys } from './keys-rotate';
import { insertTestUser } from '../test-support/test-user';

describe('rotateKeys', () => {
  let handle: DatabaseHandle;
  let dataDir: string;
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tt-rotate-'));
    handle = await openDatabase({ driver: 'pglite', dataDir: null });
    const userId = await insertTestUser(handle.db);
    const id = randomUUID();
    const context = `user:${userId}|conn:${id}|access`;
    const sealed = createVault(parseKeySpec(`old:${oldKey}`)).seal(
      '{"apiKey":"k","apiSecret":"sbx_sk_x"}',
      context,
    );
    await handle.db.insert(brokerConnections).values({
      id,
      userId,
      broker: 'binance',
      status: 'active',
      accessEnc: sealed.blob,
      keyId: sealed.keyId,
      scope: 'read',
    });
  });
  afterAll(async () => {
    await handle.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('re-wraps under the last APP_ENCRYPTION_KEYS key the operator added, without adding one', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, APP_ENCRYPTION_KEYS: `old:${oldKey},new:${newKey}` });
    const result = await rotateKeys({ config, db: handle.db });
    expect(result).toMatchObject({ driver: 'env', keyId: 'new', keyIds: ['old', 'new'], keyAdded: false });
    expect(result.tables[0]).toMatchObject({ scanned: 1, rewrapped: 1, failed: [], byKeyId: { new: 1 } });
    expect(result.notes.join(' ')).toContain('APP_ENCRYPTION_KEYS');
  });
});
