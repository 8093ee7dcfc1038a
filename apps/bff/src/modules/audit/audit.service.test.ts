import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audits, openDatabase, type DatabaseHandle } from '@tt/db';
import { eq } from 'drizzle-orm';
import { AppError } from '@tt/shared';
import { createLogger } from '../../logger';
import { createKeyedHasher } from '../auth/keyed-hash';
import { createAuditRepository } from './audit.repository';
import { createAuditService } from './audit.service';
import { insertTestUser } from '../../test-support/test-user';

describe('createAuditService', () => {
  let database: DatabaseHandle;
  let audit: ReturnType<typeof createAuditService>;
  const newUser = () => insertTestUser(database.db);

  beforeAll(async () => {
    database = await openDatabase({ driver: 'pglite', dataDir: null });
    audit = createAuditService({
      repository: createAuditRepository(database.db),
      hasher: createKeyedHasher(Buffer.alloc(32, 5)),
      logger: createLogger('silent'),
    });
  });
  afterAll(() => database.close());

  it('records an action with sanitized metadata and a keyed hash of the IP', async () => {
    const userId = await newUser();
    await audit.record(
      userId,
      'broker.connect',
      { broker: 'coinbase', accessToken: 'sbx_at_secret' },
      { ip: '192.0.2.44' },
    );
    const [row] = await database.db.select().from(audits).where(eq(audits.userId, userId));
    expect(row?.action).toBe('broker.connect');
    expect(row?.meta).toEqual({ broker: 'coinbase' });
    expect(row?.ipHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toContain('192.0.2.44');
    expect(JSON.stringify(row)).not.toContain('sbx_at_');
  });

  it('refuses an action outside the list', async () => {
    const userId = await newUser();
    await expect(audit.record(userId, 'made.up' as never)).rejects.toThrow();
  });

  it('pages newest first with an opaque cursor until nextCursor is null, entries in one millisecond included', async () => {
    const userId = await newUser();
    const at = new Date('2025-01-01T00:00:00.000Z');
    await database.db.insert(audits).values(
      Array.from({ length: 7 }, (_, i) => ({
        userId,
        action: 'login.success',
        meta: { n: i },
        createdAt: i < 4 ? at : new Date(at.getTime() + i),
      })),
    );
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await audit.list(userId, 3, cursor);
      seen.push(...page.items.map((e) => e.meta.n as number));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen.slice(0, 3)).toEqual([6, 5, 4]);
  });

  it('rejects a forged cursor with a 400 problem', async () => {
    const userId = await newUser();
    const error = await audit.list(userId, 10, 'not-a-cursor').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
  });

  it("answers 404 for another user's entry", async () => {
    const owner = await newUser();
    const other = await newUser();
    await audit.record(owner, 'logout');
    const [entry] = (await audit.list(owner, 1)).items;
    expect((await audit.get(owner, entry!.id)).action).toBe('logout');
    const error = await audit.get(other, entry!.id).catch((e: unknown) => e);
    expect((error as AppError).status).toBe(404);
  });
});
