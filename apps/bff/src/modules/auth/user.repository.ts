import { eq } from 'drizzle-orm';
import { users, type Executor } from '@tt/db';

export type UserRow = typeof users.$inferSelect;

/** Queries on `users`, nothing else. */
export function createUserRepository(db: Executor) {
  return {
    /** The new user, or undefined when the email is taken. */
    async insert(email: string, passwordHash: string): Promise<UserRow | undefined> {
      const [row] = await db
        .insert(users)
        .values({ email, passwordHash })
        .onConflictDoNothing({ target: users.email })
        .returning();
      return row;
    },
    async findByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      return row;
    },
    async findById(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row;
    },
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await db.update(users).set({ passwordHash }).where(eq(users.id, id));
    },
    async updateSettings(
      id: string,
      settings: { timeZone?: string; tone?: string },
    ): Promise<UserRow | undefined> {
      const [row] = await db.update(users).set(settings).where(eq(users.id, id)).returning();
      return row;
    },
    /** Deletes the user; every table that names them cascades. */
    async delete(id: string): Promise<boolean> {
      const deleted = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
      return deleted.length > 0;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
