import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CommonErrors } from '@tt/shared';

export interface WebAppOptions {
  /** The built single-page app (apps/web/dist). */
  root: string;
}

const NOT_SPA = /^\/(api|ws|sandbox|healthz|readyz)(\/|$)/;

/** Serves the built web app; unknown page URLs get index.html so the client router can take them. */
async function webApp(app: FastifyInstance, options: WebAppOptions) {
  if (!existsSync(join(options.root, 'index.html'))) {
    app.log.warn({ root: options.root }, 'web app is not built; run `npm run build`');
    return;
  }
  await app.register(fastifyStatic, {
    root: options.root,
    wildcard: false,
    index: false,
    // Hashed assets never change; the page itself must always be revalidated.
    setHeaders: (reply, path) => {
      void reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/*', { config: { rateLimit: false } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (NOT_SPA.test(path)) throw CommonErrors.NOT_FOUND({ detail: `No route for GET ${path}.` });
    if (path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(path)) {
      return reply.sendFile(path.slice(1));
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}

export default fp(webApp, { name: 'web-app' });
