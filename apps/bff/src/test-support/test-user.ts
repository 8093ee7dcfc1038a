import { randomUUID } from 'node:crypto';
import { users, type Executor } from '@tt/db';

/** A user row for tests below the HTTP layer (no password to check); returns its id. */
export async function insertTestUser(
  db: Executor,
  email = `user-${randomUUID()}@example.test`,
): Promise<string> {
  const [row] = await db.insert(users).values({ email, passwordHash: 'x' }).returning({ id: users.id });
  return row!.id;
}
