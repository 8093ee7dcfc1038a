import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CommonErrors } from '@tt/shared';
import { SESSION_COOKIE, clearSessionCookie } from './cookies';

/** The signed-in caller of a request. */
export interface AuthContext {
  userId: string;
  sessionId: string;
}

/** Session look-up for callers outside a route, such as the WebSocket upgrade. */
export interface SessionResolver {
  /** The live session named by a raw `Cookie` header, or null. */
  resolveSession(cookieHeader: string | undefined): Promise<AuthContext | null>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's live session, resolved from `__Host-tt_session` on every request; null when signed out. */
    auth: AuthContext | null;
  }
  interface FastifyInstance {
    sessions: SessionResolver;
  }
}

export interface AuthSessionOptions {
  /** Looks a session token up (and slides its idle expiry); null when unknown, expired or revoked. */
  resolveToken(token: string): Promise<AuthContext | null>;
}

/** The caller's session, or the 401 problem. */
export function requireUser(request: FastifyRequest): AuthContext {
  if (!request.auth) throw CommonErrors.UNAUTHENTICATED({ detail: 'Sign in to continue.' });
  return request.auth;
}

/** `preHandler` for route subtrees that only signed-in callers may use. */
export async function authenticate(request: FastifyRequest): Promise<void> {
  requireUser(request);
}

async function authSession(app: FastifyInstance, options: AuthSessionOptions) {
  app.decorateRequest('auth', null);
  app.decorate('sessions', {
    async resolveSession(cookieHeader) {
      if (!cookieHeader) return null;
      const token = app.parseCookie(cookieHeader)[SESSION_COOKIE];
      return token ? options.resolveToken(token) : null;
    },
  } satisfies SessionResolver);
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    request.auth = await options.resolveToken(token);
    // A dead session's cookie is dropped, so the browser stops sending it.
    if (!request.auth) clearSessionCookie(reply);
  });
}

export default fp(authSession, { name: 'auth-session', dependencies: ['cookies'] });
