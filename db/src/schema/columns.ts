import { numeric, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Exact decimals for money and quantities; Drizzle hands them over as strings, never floats. */
export const decimal = (name: string) => numeric(name, { precision: 38, scale: 18 });
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAt = () => tstz('created_at').notNull().defaultNow();
export const id = () => uuid('id').primaryKey().defaultRandom();
