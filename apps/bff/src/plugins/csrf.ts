import fp from 'fastify-plugin';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineErrors } from '@tt/shared';
import { CSRF_COOKIE, setCsrfCookie } from './cookies';

export const CsrfErrors = defineErrors('CSRF', {
  TOKEN_MISSING: [403, 'The CSRF token is missing'],
  TOKEN_MISMATCH: [403, 'The CSRF token does not match'],
  FOREIGN_ORIGIN: [403, 'Cross-site requests are not allowed'],
});

export interface CsrfOptions {
  /** The one origin the web app is served from (`PUBLIC_ORIGIN`). */
  publicOrigin: string;
  /** Path prefixes that are not ours to protect (the broker sandbox, a separate "exchange"). */
  exemptPrefixes?: string[];
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const COOKIE_MAX_AGE_S = 30 * 24 * 60 * 60;

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The caller's CSRF token, minted and set as `__Host-tt_csrf` when it has none (`GET /api/auth/csrf`). */
export function issueCsrfToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = request.cookies[CSRF_COOKIE];
  const token = existing && TOKEN_SHAPE.test(existing) ? existing : randomBytes(32).toString('base64url');
  setCsrfCookie(reply, token, COOKIE_MAX_AGE_S);
  return token;
}

/**
 * Double-submit cookie plus fetch metadata on every POST/PUT/PATCH/DELETE: the `X-CSRF-Token`
 * header must equal the `__Host-tt_csrf` cookie (a foreign page can read neither), an `Origin`,
 * when sent, must be ours, and `Sec-Fetch-Site`, when sent, must be same-origin or none.
 * Runs onRequest, before the body is read or a session looked up.
 */
async function csrf(app: FastifyInstance, options: CsrfOptions) {
  const origin = new URL(options.publicOrigin).origin;
  const exempt = options.exemptPrefixes ?? [];
  app.addHook('onRequest', async (request) => {
    if (!MUTATING.has(request.method)) return;
    if (exempt.some((prefix) => request.url.startsWith(prefix))) return;
    const sentOrigin = request.headers.origin;
    if (sentOrigin !== undefined && sentOrigin !== origin) {
      throw CsrfErrors.FOREIGN_ORIGIN({ detail: 'The request came from another origin.' });
    }
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw CsrfErrors.FOREIGN_ORIGIN({ detail: `Sec-Fetch-Site is ${String(site)}.` });
    }
    const cookie = request.cookies[CSRF_COOKIE];
    const header = request.headers['x-csrf-token'];
    if (!cookie || typeof header !== 'string' || header === '') {
      throw CsrfErrors.TOKEN_MISSING({
        detail: 'Fetch GET /api/auth/csrf and echo the token in X-CSRF-Token.',
      });
    }
    if (!sameToken(cookie, header))
      throw CsrfErrors.TOKEN_MISMATCH({ detail: 'X-CSRF-Token must equal the CSRF cookie.' });
  });
}

export default fp(csrf, { name: 'csrf', dependencies: ['cookies'] });
