import type { BrokerId } from '@tt/shared';
import type { Row, RowResult } from './csv-fill';

/** One export layout we read: recognised by its headers (compared trimmed and case-insensitively). */
export interface CsvFormat {
  id: string;
  broker: BrokerId;
  /** Every one must be present; other columns are ignored. */
  headers: readonly string[];
  /** Any one of each group must be present (renamed columns across export versions). */
  alternatives?: readonly (readonly string[])[];
  convert(row: Row): RowResult;
}
