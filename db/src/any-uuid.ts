import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * `column = any($1::uuid[])`: one array parameter where `inArray` binds one per id, so a batch of
 * thousands of ids is as cheap to build and plan as a batch of one.
 */
export function anyUuid(column: PgColumn, ids: readonly string[]): SQL {
  return sql`${column} = any(${sql.param(ids)}::uuid[])`;
}
