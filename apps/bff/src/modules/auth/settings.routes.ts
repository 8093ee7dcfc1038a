import type { FastifyInstance } from 'fastify';
import { UpdateSettingsRequestSchema, parseOrThrow } from '@tt/shared';
import { authenticate, requireUser } from '../../plugins/auth-session';
import { clientOf } from './auth.routes';
import type { AuthService } from './auth.service';

export interface SettingsRoutesOptions {
  auth: AuthService;
}

/** `PATCH /api/me/settings`: the time zone that sets day and week boundaries, and the coach's tone. */
export async function settingsRoutes(app: FastifyInstance, options: SettingsRoutesOptions) {
  app.patch('/api/me/settings', { preHandler: authenticate }, async (request) => {
    const body = parseOrThrow(UpdateSettingsRequestSchema, request.body, 'body');
    return options.auth.updateSettings(requireUser(request).userId, body, clientOf(request));
  });
}
