import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * `__Host-` cookies (DESIGN.md §5a): Secure, Path=/ and no Domain, so no subdomain can plant or
 * overwrite them. Browsers accept Secure cookies on http://127.0.0.1 and http://localhost.
 */
export const SESSION_COOKIE = '__Host-tt_session';
export const CSRF_COOKIE = '__Host-tt_csrf';

const SESSION_ATTRIBUTES = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' } as const;
// Readable by the page, which echoes it in X-CSRF-Token.
const CSRF_ATTRIBUTES = { httpOnly: false, secure: true, sameSite: 'strict', path: '/' } as const;

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date): void {
  void reply.setCookie(SESSION_COOKIE, token, { ...SESSION_ATTRIBUTES, expires });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, SESSION_ATTRIBUTES);
}

export function setCsrfCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  void reply.setCookie(CSRF_COOKIE, token, { ...CSRF_ATTRIBUTES, maxAge: maxAgeSeconds });
}

/** Parses cookies onto `request.cookies` and adds `reply.setCookie`; unsigned (the values are random). */
async function cookies(app: FastifyInstance) {
  await app.register(cookie, { hook: 'onRequest' });
}

export default fp(cookies, { name: 'cookies' });
