import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { AppError, BrokerIdSchema, CSV_UPLOAD_MAX_BYTES, CommonErrors } from '@tt/shared';
import { parseOrThrow } from '@tt/shared';
import { z } from 'zod';
import { requireUser } from '../../plugins/auth-session';
import { BLUEPRINT_LIMITS } from '../../plugins/rate-limit';
import { PageQuerySchema, decodeCursor, page } from '../../lib/cursor';
import type { ImportsService } from './imports.service';
import { toImportDto } from './import-progress';

const CsvUploadSchema = z.object({
  broker: BrokerIdSchema,
  file: z.string({ error: 'attach the CSV file' }).min(1, 'the file is empty'),
});

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

  // Multipart only here: a trade-history export of at most 5 MiB, one file.
  await app.register(multipart, {
    limits: { fileSize: CSV_UPLOAD_MAX_BYTES, files: 1, fields: 4, parts: 5 },
  });
  app.post(
    '/api/imports/csv',
    { config: { rateLimit: BLUEPRINT_LIMITS.tradesImport } },
    async (request, reply) => {
      const { userId } = requireUser(request);
      if (!request.isMultipart()) {
        throw CommonErrors.UNSUPPORTED_MEDIA_TYPE({
          detail: 'Send the file as multipart/form-data with a `broker` field.',
        });
      }
      let broker: string | undefined;
      let text: string | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field' && part.fieldname === 'broker') broker = String(part.value);
          if (part.type === 'file') {
            const buffer = await part.toBuffer();
            if (part.file.truncated)
              throw CommonErrors.PAYLOAD_TOO_LARGE({ detail: 'The file is larger than 5 MiB.' });
            text = buffer.toString('utf8');
          }
        }
      } catch (error) {
        // The multipart parser's own errors ("Unexpected end of multipart data") carry no status:
        // a body cut short or without its boundary is the client's, not a server failure.
        if (error instanceof AppError || (error as { statusCode?: number }).statusCode) throw error;
        throw CommonErrors.VALIDATION({ detail: 'The multipart body is malformed or cut short.' });
      }
      const input = parseOrThrow(CsvUploadSchema, { broker, file: text }, 'body');
      const run = await opts.imports.importCsv(userId, input.broker, input.file);
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
