import type { FastifyInstance } from 'fastify';
import { parseOrThrow } from '@tt/shared';
import { requireUser } from '../../plugins/auth-session';
import { BLUEPRINT_LIMITS } from '../../plugins/rate-limit';
import { PageQuerySchema, decodeCursor, page } from '../../lib/cursor';
import type { ImportsService } from './imports.service';
import { toImportDto } from './import-progress';

export async function importsRoutes(app: FastifyInstance, opts: { imports: ImportsService }) {
  app.post(
    '/api/trades/import',
    { config: { rateLimit: BLUEPRINT_LIMITS.tradesImport } },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const { run } = await opts.imports.requestImport(userId, request.body);
      return reply.code(202).send({ jobId: run.jobId, importId: run.id, status: run.status });
    },
  );

  app.get('/api/imports', async (request) => {
    const { userId } = requireUser(request);
    const query = parseOrThrow(PageQuerySchema, request.query, 'query');
    const rows = await opts.imports.list(userId, decodeCursor(query.cursor), query.limit);
    return page(rows, query.limit, (r) => ({ ts: r.createdAt, id: r.id }), toImportDto);
  });

  app.get<{ Params: { id: string } }>('/api/imports/:id', async (request) => {
    const { userId } = requireUser(request);
    return toImportDto(await opts.imports.get(userId, request.params.id));
  });
}
