import { AuditActionSchema, type AuditAction, type AuditEntry, type Page } from '@tt/shared';
import type { Logger } from '../../logger';
import type { KeyedHasher } from '../auth';
import { AuditErrors } from './audit.errors';
import { sanitizeAuditMeta } from './audit.meta';
import type { AuditRepository, AuditRow } from './audit.repository';

export interface AuditServiceOptions {
  repository: AuditRepository;
  hasher: KeyedHasher;
  logger: Logger;
}

/** The part of a request an audit entry keeps: its IP, as a keyed hash. */
export interface AuditRequest {
  ip: string;
}

interface Cursor {
  createdAt: Date;
  id: string;
}

const encodeCursor = (row: AuditRow) =>
  Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw AuditErrors.BAD_CURSOR({ detail: 'Use the nextCursor of the previous page.' });
  }
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  action: AuditActionSchema.parse(row.action),
  meta: row.meta as AuditEntry['meta'],
  createdAt: row.createdAt.toISOString(),
});

/** The audit log other modules write to (`record`) and users read their own entries from. */
export function createAuditService(options: AuditServiceOptions) {
  const { repository, hasher, logger } = options;
  return {
    /**
     * Records a key action with coarse metadata. Keys that could hold a secret or personal data
     * are dropped (and logged by name), so a careless caller cannot leak into the log.
     */
    async record(
      userId: string,
      action: AuditAction,
      meta: Record<string, unknown> = {},
      request?: AuditRequest,
    ): Promise<void> {
      const clean = sanitizeAuditMeta(meta);
      if (clean.dropped.length > 0)
        logger.warn({ action, dropped: clean.dropped }, 'audit metadata keys dropped');
      await repository.insert({
        userId,
        action: AuditActionSchema.parse(action),
        meta: clean.meta,
        ipHash: request ? hasher.hash('ip', request.ip) : null,
      });
    },

    async list(userId: string, limit: number, cursor?: string): Promise<Page<AuditEntry>> {
      const rows = await repository.page(userId, limit + 1, cursor ? decodeCursor(cursor) : undefined);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map(toEntry),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
      };
    },

    /** One of the user's own entries; another user's id is simply not found. */
    async get(userId: string, id: string): Promise<AuditEntry> {
      const row = await repository.findOne(userId, id);
      if (!row) throw AuditErrors.NOT_FOUND();
      return toEntry(row);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
