import type { FastifyInstance } from 'fastify';
import { DeleteAccountRequestSchema, parseOrThrow } from '@tt/shared';
import { authenticate, requireUser } from '../../plugins/auth-session';
import { clearSessionCookie } from '../../plugins/cookies';
import { perUser } from '../../plugins/rate-limit';
import { clientOf } from '../auth';
import type { PrivacyService } from './privacy.service';

export interface PrivacyRoutesOptions {
  privacy: PrivacyService;
}

/** `GET /api/me/export` and `DELETE /api/me` (password required). */
export async function privacyRoutes(app: FastifyInstance, options: PrivacyRoutesOptions) {
  app.get(
    '/api/me/export',
    { preHandler: authenticate, config: { rateLimit: perUser(5) } },
    async (request, reply) => {
      const data = await options.privacy.export(requireUser(request).userId, clientOf(request));
      return reply
        .header('content-disposition', 'attachment; filename="trading-twin-export.json"')
        .send(data);
    },
  );

  app.delete(
    '/api/me',
    { preHandler: authenticate, config: { rateLimit: perUser(5) } },
    async (request, reply) => {
      const body = parseOrThrow(DeleteAccountRequestSchema, request.body, 'body');
      await options.privacy.deleteAccount(requireUser(request), body.password, clientOf(request));
      clearSessionCookie(reply);
      return reply.code(204).send();
    },
  );
}
