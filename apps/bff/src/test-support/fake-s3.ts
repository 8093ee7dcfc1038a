import Fastify, { type FastifyInstance } from 'fastify';

/**
 * A minimal S3-compatible object server (path-style PUT/GET/DELETE/HEAD) so the S3 blob driver runs
 * its real SDK code in tests; no MinIO can run on this machine. Signatures are not checked.
 */
export async function startFakeS3(bucket: string): Promise<{ url: string; app: FastifyInstance }> {
  const objects = new Map<string, { body: Buffer; type: string }>();
  const app = Fastify();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const notFound = (code: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>not found</Message></Error>`;
  app.head(`/${bucket}`, async () => '');
  app.head(`/${bucket}/`, async () => '');
  app.put<{ Params: { '*': string } }>(`/${bucket}/*`, async (req) => {
    objects.set(req.params['*'], {
      body: (req.body as Buffer | undefined) ?? Buffer.alloc(0),
      type: req.headers['content-type'] ?? 'application/octet-stream',
    });
    return '';
  });
  app.get<{ Params: { '*': string } }>(`/${bucket}/*`, async (req, reply) => {
    const obj = objects.get(req.params['*']);
    if (!obj) return reply.code(404).type('application/xml').send(notFound('NoSuchKey'));
    return reply.header('content-type', obj.type).send(obj.body);
  });
  app.delete<{ Params: { '*': string } }>(`/${bucket}/*`, async (req, reply) => {
    objects.delete(req.params['*']);
    return reply.code(204).send();
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app };
}
