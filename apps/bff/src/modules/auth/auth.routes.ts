import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ChangePasswordRequestSchema,
  LoginRequestSchema,
  SignupRequestSchema,
  parseOrThrow,
  type CsrfToken,
  type Page,
  type SessionDto,
} from '@tt/shared';
import { authenticate, requireUser } from '../../plugins/auth-session';
import { clearSessionCookie, setSessionCookie } from '../../plugins/cookies';
import { issueCsrfToken } from '../../plugins/csrf';
import { BLUEPRINT_LIMITS, createLimitGuard, perUser } from '../../plugins/rate-limit';
import { AuthErrors } from './auth.errors';
import type { AuthService } from './auth.service';
import type { ClientInfo } from './session.service';

export interface AuthRoutesOptions {
  auth: AuthService;
}

export const clientOf = (request: FastifyRequest): ClientInfo => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
});

const SessionParamsSchema = z.object({ id: z.uuid() });

// Bodies with a password are never fingerprinted into storage, and a sign-in's answer carries a
// fresh session cookie that must not be kept for replay: these routes opt out of idempotency.
const CREDENTIAL_ROUTE = { rateLimit: BLUEPRINT_LIMITS.authCredentials, idempotency: false } as const;

/** `/api/auth/*`: CSRF token, sign-up, sign-in and out, the caller, password change, sessions. */
export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions) {
  const { auth } = options;
  app.addHook(
    'onRequest',
    createLimitGuard(app, {
      max: BLUEPRINT_LIMITS.authAnonymousBurstPerMinute,
      key: (request) => (request.auth ? null : `auth-burst:${app.clientIpKey(request)}`),
    }),
  );

  app.get('/api/auth/csrf', async (request, reply): Promise<CsrfToken> => ({
    token: issueCsrfToken(request, reply),
  }));

  app.post('/api/auth/signup', { config: CREDENTIAL_ROUTE }, async (request, reply) => {
    const body = parseOrThrow(SignupRequestSchema, request.body, 'body');
    return reply.code(201).send(await auth.signup(body, clientOf(request)));
  });

  app.post('/api/auth/login', { config: CREDENTIAL_ROUTE }, async (request, reply) => {
    const body = parseOrThrow(LoginRequestSchema, request.body, 'body');
    const { me, session } = await auth.login(body, clientOf(request));
    // A sign-in replaces whatever session the browser held: one login, one new id.
    if (request.auth) await auth.logout(request.auth, clientOf(request));
    setSessionCookie(reply, session.token, session.absoluteExpiresAt);
    return me;
  });

  app.post('/api/auth/logout', async (request, reply) => {
    if (request.auth) await auth.logout(request.auth, clientOf(request));
    clearSessionCookie(reply);
    return reply.code(204).send();
  });

  app.get('/api/auth/me', { preHandler: authenticate }, async (request) =>
    auth.me(requireUser(request).userId),
  );

  app.post(
    '/api/auth/password',
    { preHandler: authenticate, config: { rateLimit: perUser(10), idempotency: false } },
    async (request, reply) => {
      const body = parseOrThrow(ChangePasswordRequestSchema, request.body, 'body');
      await auth.changePassword(requireUser(request), body, clientOf(request));
      return reply.code(204).send();
    },
  );

  app.get('/api/auth/sessions', { preHandler: authenticate }, async (request): Promise<Page<SessionDto>> => {
    return { items: await auth.listSessions(requireUser(request)), nextCursor: null };
  });

  app.delete('/api/auth/sessions/:id', { preHandler: authenticate }, async (request, reply) => {
    const caller = requireUser(request);
    const params = SessionParamsSchema.safeParse(request.params);
    if (!params.success) throw AuthErrors.SESSION_NOT_FOUND();
    await auth.revokeSession(caller, params.data.id, clientOf(request));
    if (params.data.id === caller.sessionId) clearSessionCookie(reply);
    return reply.code(204).send();
  });
}
