import { getTableColumns, is, sql, SQL, type InferInsertModel } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

const JSON_TYPES = new Set(['PgJson', 'PgJsonb']);

function jsonValue(column: PgColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // json columns nest as JSON; mapToDriverValue would turn them into a JSON string inside JSON.
  if (JSON_TYPES.has(column.columnType)) return value;
  const driverValue: unknown = column.mapToDriverValue(value);
  return driverValue instanceof Date ? driverValue.toISOString() : driverValue;
}

/**
 * Rows as `select … from json_to_recordset($1)`, for `db.insert(table).select(jsonRows(…))`.
 * `.values()` binds one parameter per cell: for 1,000 rows of 15 columns Drizzle spends longer
 * building the statement than PostgreSQL spends running it. Here the rows travel as one JSON
 * parameter whatever their number. Columns no row supplies take their default, as with `.values()`.
 */
export function jsonRows<T extends PgTable>(table: T, rows: InferInsertModel<T>[]): SQL {
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>).filter(
    // The columns Drizzle's insert lists: all but those generated always.
    ([, column]) => column.generated === undefined || column.generated.type === 'byDefault',
  );
  const cells = rows as Record<string, unknown>[];
  const fromJson = new Set(
    columns
      .filter(
        ([key, column]) =>
          cells.some((row) => row[key] !== undefined) ||
          column.defaultFn !== undefined ||
          (column.default !== undefined && !is(column.default, SQL)),
      )
      .map(([, column]) => column),
  );
  const records = cells.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      if (!fromJson.has(column)) continue;
      const value = row[key] !== undefined ? row[key] : (column.defaultFn?.() ?? column.default);
      record[column.name] = jsonValue(column, value);
    }
    return record;
  });
  const selectList = columns.map(([, column]) => {
    if (fromJson.has(column)) return sql.identifier(column.name);
    return is(column.default, SQL) ? column.default : sql`null`;
  });
  const recordType = [...fromJson].map(
    (column) => sql`${sql.identifier(column.name)} ${sql.raw(column.getSQLType())}`,
  );
  // `::text` first: PGlite would otherwise serialise the string as a JSON string scalar.
  return sql`select ${sql.join(selectList, sql`, `)} from json_to_recordset(${JSON.stringify(records)}::text::json) as r(${sql.join(recordType, sql`, `)})`;
}
