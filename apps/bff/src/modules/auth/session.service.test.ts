import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, sessions, type DatabaseHandle } from '@tt/db';
import { eq } from 'drizzle-orm';
import { createMemoryPubSub } from '../../infra/pubsub';
import { createKeyedHasher } from './keyed-hash';
import { createSessionRepository } from './session.repository';
import { SESSION_REVOKED_CHANNEL, createSessionService, hashSessionToken } from './session.service';
import { insertTestUser } from '../../test-support/test-user';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const client = { ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0' };

describe('createSessionService', () => {
  let database: DatabaseHandle;
  let clock = new Date('2025-03-01T12:00:00Z').getTime();
  const pubsub = createMemoryPubSub();
  const published: string[] = [];

  const service = () =>
    createSessionService({
      repository: createSessionRepository(database.db),
      hasher: createKeyedHasher(Buffer.alloc(32, 9)),
      pubsub,
      now: () => new Date(clock),
    });
  const newUser = () => insertTestUser(database.db);

  beforeAll(async () => {
    database = await openDatabase({ driver: 'pglite', dataDir: null });
    await pubsub.subscribe(SESSION_REVOKED_CHANNEL, (message) => published.push(message));
  });
  afterAll(async () => {
    await pubsub.close();
    await database.close();
  });

  it('issues a 256-bit token and stores only its sha256 and keyed hashes of the client', async () => {
    const userId = await newUser();
    const issued = await service().create(userId, client);
    expect(Buffer.from(issued.token, 'base64url')).toHaveLength(32);
    const [row] = await database.db.select().from(sessions).where(eq(sessions.id, issued.sessionId));
    expect(row?.tokenHash).toBe(hashSessionToken(issued.token));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(issued.token);
    expect(stored).not.toContain(client.ip);
    expect(stored).not.toContain('TestBrowser');
    expect(row?.absoluteExpiresAt.getTime()).toBe(clock + 30 * DAY);
    expect(row?.expiresAt.getTime()).toBe(clock + 7 * DAY);
  });

  it('gives every sign-in a new token', async () => {
    const userId = await newUser();
    const first = await service().create(userId, client);
    const second = await service().create(userId, client);
    expect(second.token).not.toBe(first.token);
    expect(second.sessionId).not.toBe(first.sessionId);
  });

  it('resolves a live token and refuses unknown or malformed ones', async () => {
    const userId = await newUser();
    const issued = await service().create(userId, client);
    expect(await service().resolve(issued.token)).toEqual({ userId, sessionId: issued.sessionId });
    expect(await service().resolve('A'.repeat(43))).toBeNull();
    expect(await service().resolve("' or 1=1 --")).toBeNull();
  });

  it('slides the idle expiry, writing last_seen at most once a minute', async () => {
    const userId = await newUser();
    const issued = await service().create(userId, client);
    const read = async () =>
      (await database.db.select().from(sessions).where(eq(sessions.id, issued.sessionId)))[0]!;
    const createdAt = clock;
    clock += 30_000;
    await service().resolve(issued.token);
    expect((await read()).lastSeenAt.getTime()).toBe(createdAt);
    clock += 31_000;
    await service().resolve(issued.token);
    expect((await read()).lastSeenAt.getTime()).toBe(clock);
    expect((await read()).expiresAt.getTime()).toBe(clock + 7 * DAY);
  });

  it('expires a session idle for 7 days', async () => {
    const userId = await newUser();
    const issued = await service().create(userId, client);
    clock += 7 * DAY - MINUTE;
    expect(await service().resolve(issued.token)).not.toBeNull();
    clock += 7 * DAY;
    expect(await service().resolve(issued.token)).toBeNull();
    expect(await database.db.select().from(sessions).where(eq(sessions.id, issued.sessionId))).toHaveLength(
      0,
    );
  });

  it('expires a session 30 days after sign-in however active it is', async () => {
    const userId = await newUser();
    const issued = await service().create(userId, client);
    for (let day = 0; day < 29; day++) {
      clock += DAY;
      expect(await service().resolve(issued.token)).not.toBeNull();
    }
    clock += DAY;
    expect(await service().resolve(issued.token)).toBeNull();
  });

  it('revokes at once and publishes the revocation for open sockets', async () => {
    const userId = await newUser();
    const issued = await service().create(userId, client);
    published.length = 0;
    expect(await service().revoke(userId, issued.sessionId)).toBe(true);
    expect(await service().resolve(issued.token)).toBeNull();
    expect(published.map((m) => JSON.parse(m))).toEqual([{ userId, sessionId: issued.sessionId }]);
  });

  it("never revokes another user's session", async () => {
    const owner = await newUser();
    const intruder = await newUser();
    const issued = await service().create(owner, client);
    expect(await service().revoke(intruder, issued.sessionId)).toBe(false);
    expect(await service().resolve(issued.token)).not.toBeNull();
  });

  it('revokes every other session, keeping the current one', async () => {
    const userId = await newUser();
    const keep = await service().create(userId, client);
    const others = [await service().create(userId, client), await service().create(userId, client)];
    expect(await service().revokeAllExcept(userId, keep.sessionId)).toBe(2);
    expect(await service().resolve(keep.token)).not.toBeNull();
    for (const other of others) expect(await service().resolve(other.token)).toBeNull();
    const listed = await service().list(userId, keep.sessionId);
    expect(listed.map((s) => [s.id, s.current])).toEqual([[keep.sessionId, true]]);
  });

  it('purges expired sessions', async () => {
    const userId = await newUser();
    await service().create(userId, client);
    clock += 31 * DAY;
    expect(await service().purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, userId))).toHaveLength(0);
  });

  describe('session cache', () => {
    const counted = () => {
      const repository = createSessionRepository(database.db);
      const lookups = { count: 0 };
      const findByTokenHash = repository.findByTokenHash.bind(repository);
      repository.findByTokenHash = async (hash) => {
        lookups.count++;
        return findByTokenHash(hash);
      };
      const svc = createSessionService({
        repository,
        hasher: createKeyedHasher(Buffer.alloc(32, 9)),
        pubsub,
        now: () => new Date(clock),
      });
      return { svc, lookups };
    };

    it('answers a live session from memory for the TTL, then asks the database again', async () => {
      const { svc, lookups } = counted();
      const issued = await svc.create(await newUser(), client);
      for (let i = 0; i < 5; i++) expect(await svc.resolve(issued.token)).not.toBeNull();
      expect(lookups.count).toBe(1);
      clock += 5_001;
      expect(await svc.resolve(issued.token)).not.toBeNull();
      expect(lookups.count).toBe(2);
    });

    it('forgets a session revoked in this process at once', async () => {
      const { svc } = counted();
      const userId = await newUser();
      const issued = await svc.create(userId, client);
      expect(await svc.resolve(issued.token)).not.toBeNull();
      expect(await svc.revoke(userId, issued.sessionId)).toBe(true);
      expect(await svc.resolve(issued.token)).toBeNull();
    });

    it('forgets a session another process revoked as soon as its message arrives', async () => {
      const { svc: here } = counted();
      const { svc: elsewhere } = counted();
      const userId = await newUser();
      const issued = await here.create(userId, client);
      expect(await here.resolve(issued.token)).not.toBeNull();
      await elsewhere.revokeAllExcept(userId, null);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(await here.resolve(issued.token)).toBeNull();
    });

    it('does not keep a session that a look-up read just before its revocation', async () => {
      const { svc, lookups } = counted();
      const userId = await newUser();
      const issued = await svc.create(userId, client);
      // The revocation lands while the look-up waits for its row.
      const racing = svc.resolve(issued.token);
      await svc.revoke(userId, issued.sessionId);
      await racing;
      expect(await svc.resolve(issued.token)).toBeNull();
      expect(lookups.count).toBe(2);
    });

    it('still expires a cached session at its idle expiry', async () => {
      const { svc } = counted();
      const issued = await svc.create(await newUser(), client);
      expect(await svc.resolve(issued.token)).not.toBeNull();
      clock += 7 * DAY + 1;
      expect(await svc.resolve(issued.token)).toBeNull();
    });
  });
});
