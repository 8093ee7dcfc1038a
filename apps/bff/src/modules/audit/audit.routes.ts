import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PageQuerySchema, parseOrThrow } from '@tt/shared';
import { authenticate, requireUser } from '../../plugins/auth-session';
import { AuditErrors } from './audit.errors';
import type { AuditService } from './audit.service';

export interface AuditRoutesOptions {
  audit: AuditService;
}

const IdParamsSchema = z.object({ id: z.uuid() });

/** `GET /api/audit` pages the caller's own entries, newest first; `GET /api/audit/:id` reads one. */
export async function auditRoutes(app: FastifyInstance, options: AuditRoutesOptions) {
  app.addHook('preHandler', authenticate);

  app.get('/api/audit', async (request) => {
    const { userId } = requireUser(request);
    const query = parseOrThrow(PageQuerySchema, request.query, 'query');
    return options.audit.list(userId, query.limit, query.cursor);
  });

  app.get('/api/audit/:id', async (request) => {
    const { userId } = requireUser(request);
    // A malformed id names nothing: the same 404 as another user's entry.
    const params = IdParamsSchema.safeParse(request.params);
    if (!params.success) throw AuditErrors.NOT_FOUND();
    return options.audit.get(userId, params.data.id);
  });
}
