import { z } from 'zod';
import { CommonErrors } from '@tt/shared';

/** Keyset position of a page: the (timestamp, id) of its last row, opaque to clients. */
export interface CursorPosition {
  ts: Date;
  id: string;
}

const CursorSchema = z.object({ t: z.string(), i: z.string() });

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ t: position.ts.toISOString(), i: position.id })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    const ts = new Date(parsed.t);
    if (Number.isNaN(ts.getTime())) throw new Error('bad time');
    return { ts, id: parsed.i };
  } catch {
    throw CommonErrors.VALIDATION({
      detail: 'The cursor is not valid; start again without it.',
      errors: [{ field: 'query.cursor', message: 'not a cursor this API issued' }],
    });
  }
}

export const PageQuerySchema = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** `{ items, nextCursor }` with `nextCursor` null on the last page (DESIGN §5). */
export function page<T, R>(
  rows: R[],
  limit: number,
  position: (row: R) => CursorPosition,
  map: (row: R) => T,
) {
  const last = rows.length === limit ? rows[rows.length - 1] : undefined;
  return { items: rows.map(map), nextCursor: last ? encodeCursor(position(last)) : null };
}
