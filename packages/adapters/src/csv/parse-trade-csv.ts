import { CsvError, parse } from 'csv-parse/sync';
import { type BrokerId, type ProblemField, type RawFill, RawFillSchema } from '@tt/shared';
import { CsvErrors } from '../errors';
import { binanceTradeHistoryFormat, binanceTradeStatementFormat } from './binance-csv';
import { coinbaseFillsFormat, coinbaseTransactionsFormat } from './coinbase-csv';
import { fillFingerprint } from './csv-fill';
import type { CsvFormat } from './csv-format';

/** Every layout we read, per broker. */
export const CSV_FORMATS: readonly CsvFormat[] = [
  coinbaseFillsFormat,
  coinbaseTransactionsFormat,
  binanceTradeHistoryFormat,
  binanceTradeStatementFormat,
];

/** Preamble lines a statement may carry before its header row (Coinbase: title, user, blank). */
const MAX_PREAMBLE_LINES = 20;

export interface ParsedTradeCsv {
  fills: RawFill[];
  /** Rows that are not trades (deposits, rewards, futures) or repeat an identical row. */
  skipped: number;
  /** Which layout the file was read as (`coinbase-fills`, `binance-trade-statement`, …). */
  format: string;
}

interface CsvRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * Parses a trade-history export of `broker` into fills: all of them, or none. A file that is not a
 * known export is a 400 (CSV.UNKNOWN_FORMAT / CSV.EMPTY); when any row is bad the whole file is a
 * 422 (CSV.INVALID_ROWS) with one `{ field: 'line N', message }` per bad row.
 */
export function parseTradeCsv(text: string, broker: BrokerId): ParsedTradeCsv {
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') throw CsvErrors.EMPTY({ detail: 'The file has no rows.' });
  const located = locateHeader(content, broker);
  const { format, headerLine, columns } = located;

  let records: CsvRecord[];
  try {
    records = parse(content, {
      from_line: headerLine + 1,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as CsvRecord[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? headerLine + 1;
    throw CsvErrors.INVALID_ROWS({
      detail: 'The file is not valid CSV; nothing was imported.',
      errors: [{ field: `line ${line}`, message: error.message.replace(/^[A-Za-z ]+: /, '') }],
    });
  }

  const errors: ProblemField[] = [];
  const fills: RawFill[] = [];
  const byExtId = new Map<string, { fill: RawFill; line: number }>();
  const occurrences = new Map<string, number>();
  let skipped = 0;

  for (const { record, raw, info } of records) {
    const line = startLine(raw, info.lines);
    if (record.length !== columns.length) {
      errors.push({
        field: `line ${line}`,
        message: `expected ${columns.length} columns, found ${record.length}`,
      });
      continue;
    }
    const cells = new Map(columns.map((name, i) => [name, record[i] ?? '']));
    const result = format.convert((header) => cells.get(header) ?? '');
    if (result.kind === 'skip') {
      skipped += 1;
      continue;
    }
    if (result.kind === 'error') {
      errors.push({ field: `line ${line}`, message: result.message });
      continue;
    }
    const extId = result.fill.extId ?? fingerprintExtId(result.fill, occurrences);
    const checked = RawFillSchema.safeParse({ ...result.fill, extId });
    if (!checked.success) {
      errors.push({
        field: `line ${line}`,
        message: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      continue;
    }
    const fill = checked.data;
    const earlier = byExtId.get(fill.extId);
    if (earlier) {
      if (JSON.stringify(earlier.fill) === JSON.stringify(fill)) skipped += 1;
      else
        errors.push({
          field: `line ${line}`,
          message: `trade ${fill.extId} also appears on line ${earlier.line} with other values`,
        });
      continue;
    }
    byExtId.set(fill.extId, { fill, line });
    fills.push(fill);
  }

  if (errors.length > 0) {
    throw CsvErrors.INVALID_ROWS({
      detail: `${errors.length} row${errors.length === 1 ? ' is' : 's are'} not valid; nothing was imported.`,
      errors,
    });
  }
  return { fills, skipped, format: format.id };
}

/** `csv:<ts ms>:<SYMBOL>:<SIDE>:<qty>@<price>#<n>`: stable across re-imports of the same file. */
function fingerprintExtId(fill: Omit<RawFill, 'extId'>, occurrences: Map<string, number>): string {
  const key = fillFingerprint({ ...fill });
  const n = (occurrences.get(key) ?? 0) + 1;
  occurrences.set(key, n);
  return `csv:${Date.parse(fill.ts)}:${fill.symbol}:${fill.side}:${fill.qty}@${fill.price}#${n}`;
}

function locateHeader(
  content: string,
  broker: BrokerId,
): { format: CsvFormat; headerLine: number; columns: string[] } {
  const lines = content.split(/\r\n|\n|\r/, MAX_PREAMBLE_LINES);
  let otherBroker: BrokerId | undefined;
  for (const [index, text] of lines.entries()) {
    if (text.trim() === '') continue;
    let columns: string[];
    try {
      columns = ((parse(text, { relax_column_count: true }) as string[][])[0] ?? []).map((c) =>
        c.trim().toLowerCase(),
      );
    } catch {
      continue;
    }
    for (const format of CSV_FORMATS) {
      if (!matches(format, columns)) continue;
      if (format.broker === broker) return { format, headerLine: index + 1, columns };
      otherBroker = format.broker;
    }
  }
  throw CsvErrors.UNKNOWN_FORMAT({
    detail: otherBroker
      ? `This looks like a ${otherBroker === 'coinbase' ? 'Coinbase' : 'Binance'} export, not a ${broker === 'coinbase' ? 'Coinbase' : 'Binance'} one.`
      : `This is not a ${broker === 'coinbase' ? 'Coinbase' : 'Binance'} trade-history export we can read.`,
  });
}

function matches(format: CsvFormat, columns: string[]): boolean {
  const present = new Set(columns);
  return (
    format.headers.every((h) => present.has(h)) &&
    (format.alternatives ?? []).every((group) => group.some((h) => present.has(h)))
  );
}

function startLine(raw: string, endLine: number): number {
  const body = raw.replace(/^(\r\n|\n|\r)+/, '');
  const breaks = body.match(/\r\n|\n|\r/g)?.length ?? 0;
  const trailing = /(\r\n|\n|\r)$/.test(body) ? 1 : 0;
  return endLine - breaks + trailing;
}
