import { randomBytes } from 'node:crypto';
import { users } from '@tt/db';
import type { AppUnderTest } from './app-under-test';

export interface PooledSession {
  userId: string;
  token: string;
  /** A CSRF token for the double submit (cookie and header carry the same value). */
  csrf: string;
}

/**
 * Signed-in users made straight through the accounts module's session service (no password
 * round trip), for suites that need many callers: rate limits are per user, so spreading random
 * requests over a pool keeps most of them reaching the handlers.
 */
export async function sessionPool(aut: AppUnderTest, size: number) {
  const make = async (): Promise<PooledSession> => {
    const [row] = await aut.platform.database.db
      .insert(users)
      .values({
        email: `pool-${randomBytes(6).toString('hex')}@example.com`,
        passwordHash: 'verify:no-login',
      })
      .returning({ id: users.id });
    const session = await aut.services.identity.sessions.create(row!.id, {
      ip: '127.0.0.1',
      userAgent: 'verify',
    });
    return { userId: row!.id, token: session.token, csrf: randomBytes(32).toString('base64url') };
  };
  const sessions = await Promise.all(Array.from({ length: size }, make));
  let i = 0;
  return {
    sessions,
    next: () => sessions[i++ % sessions.length]!,
    fresh: make,
  };
}
