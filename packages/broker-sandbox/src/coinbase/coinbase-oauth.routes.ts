import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rawQuery } from '../core/paths';
import type { SandboxState } from '../sandbox.state';
import { isSandboxAccount } from '../traders/trader.accounts';
import { pageHeaders, renderConsentPage, renderErrorPage } from './coinbase-consent.page';
import { parseScopes } from './coinbase-oauth.store';
import { oauthError } from './coinbase.errors';

/**
 * Coinbase OAuth 2 as the sandbox serves it: `/oauth/authorize` (consent page and its form),
 * `/oauth/token` and `/oauth/revoke`, also under Coinbase's own paths `/oauth2/auth`,
 * `/oauth2/token` and `/oauth2/revoke`.
 */

const AUTHORIZE_PATHS = ['/oauth/authorize', '/oauth2/auth'];
const TOKEN_PATHS = ['/oauth/token', '/oauth2/token'];
const REVOKE_PATHS = ['/oauth/revoke', '/oauth2/revoke'];
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const Text = z.string().max(4096).optional();
const AuthorizeParamsSchema = z.object({
  response_type: Text,
  client_id: Text,
  redirect_uri: Text,
  state: Text,
  scope: Text,
  code_challenge: Text,
  code_challenge_method: Text,
});
type AuthorizeParams = z.infer<typeof AuthorizeParamsSchema>;

const DecisionSchema = z.object({ decision: Text, account: Text });

const TokenBodySchema = z.object({
  grant_type: Text,
  code: Text,
  redirect_uri: Text,
  client_id: Text,
  client_secret: Text,
  code_verifier: Text,
  refresh_token: Text,
});

interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
  codeChallenge: string | undefined;
}

type AuthorizeCheck =
  | { kind: 'ok'; request: AuthorizationRequest }
  | { kind: 'page-error'; message: string }
  | {
      kind: 'redirect-error';
      redirectUri: string;
      state: string | undefined;
      error: string;
      description: string;
    };

/** Validates an authorization request; errors that cannot safely redirect are shown on a page. */
function checkAuthorization(params: AuthorizeParams): AuthorizeCheck {
  if (!params.client_id) return { kind: 'page-error', message: 'The request has no client_id.' };
  const redirectUri = params.redirect_uri;
  if (!redirectUri || !isRedirectable(redirectUri)) {
    return {
      kind: 'page-error',
      message: 'The redirect_uri is missing or is not an absolute http(s) URL without a fragment.',
    };
  }
  const fail = (error: string, description: string): AuthorizeCheck => ({
    kind: 'redirect-error',
    redirectUri,
    state: params.state,
    error,
    description,
  });
  if (params.response_type !== 'code')
    return fail('unsupported_response_type', 'response_type must be code.');
  if (params.state !== undefined && params.state.length < 8) {
    return fail('invalid_request', 'state must be at least 8 characters long.');
  }
  if (params.code_challenge !== undefined || params.code_challenge_method !== undefined) {
    if (params.code_challenge_method !== 'S256')
      return fail('invalid_request', 'code_challenge_method must be S256.');
    if (!params.code_challenge || !CHALLENGE_PATTERN.test(params.code_challenge)) {
      return fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the code_verifier.');
    }
  }
  return {
    kind: 'ok',
    request: {
      clientId: params.client_id,
      redirectUri,
      state: params.state,
      scopes: parseScopes(params.scope),
      codeChallenge: params.code_challenge,
    },
  };
}

function isRedirectable(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && !value.includes('#');
  } catch {
    return false;
  }
}

function redirectTo(
  reply: FastifyReply,
  redirectUri: string,
  params: Record<string, string | undefined>,
): FastifyReply {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return reply.code(302).header('cache-control', 'no-store').header('location', url.toString()).send();
}

function showError(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .code(400)
    .headers(pageHeaders())
    .send(renderErrorPage('This authorization request cannot be completed', message));
}

function answerCheckError(reply: FastifyReply, check: Exclude<AuthorizeCheck, { kind: 'ok' }>): FastifyReply {
  if (check.kind === 'page-error') return showError(reply, check.message);
  return redirectTo(reply, check.redirectUri, {
    error: check.error,
    error_description: check.description,
    state: check.state,
  });
}

function asRecord(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** Client credentials from HTTP Basic authentication (RFC 6749 §2.3.1), if sent. */
function basicCredentials(request: FastifyRequest): { clientId: string; clientSecret: string } | undefined {
  const header = request.headers.authorization;
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

export function registerCoinbaseOAuth(app: FastifyInstance, state: SandboxState): void {
  for (const path of AUTHORIZE_PATHS) {
    app.get(path, async (request, reply) => {
      const params = AuthorizeParamsSchema.safeParse(request.query);
      if (!params.success) return showError(reply, 'Each parameter may be sent only once.');
      const check = checkAuthorization(params.data);
      if (check.kind !== 'ok') return answerCheckError(reply, check);
      const query = rawQuery(request);
      return reply
        .code(200)
        .headers(pageHeaders([new URL(check.request.redirectUri).origin]))
        .send(
          renderConsentPage({
            actionUrl: `${app.prefix}${path}${query ? `?${query}` : ''}`,
            clientId: check.request.clientId,
            scopes: check.request.scopes,
          }),
        );
    });

    app.post(path, async (request, reply) => {
      const body = asRecord(request.body);
      const params = AuthorizeParamsSchema.safeParse({ ...body, ...asRecord(request.query) });
      const decision = DecisionSchema.safeParse(body);
      if (!params.success || !decision.success)
        return showError(reply, 'Each parameter may be sent only once.');
      const check = checkAuthorization(params.data);
      if (check.kind !== 'ok') return answerCheckError(reply, check);
      const { request: authorization } = check;
      if (decision.data.decision === 'deny') {
        return redirectTo(reply, authorization.redirectUri, {
          error: 'access_denied',
          error_description: 'The user denied the request.',
          state: authorization.state,
        });
      }
      if (decision.data.decision !== 'allow') return showError(reply, 'decision must be allow or deny.');
      const account = decision.data.account ?? 'demo';
      if (!isSandboxAccount(account)) return showError(reply, 'account must be demo, bench or scale.');
      const code = state.oauth.issueCode({
        clientId: authorization.clientId,
        redirectUri: authorization.redirectUri,
        account,
        scopes: authorization.scopes,
        codeChallenge: authorization.codeChallenge,
      });
      return redirectTo(reply, authorization.redirectUri, { code, state: authorization.state });
    });
  }

  for (const path of TOKEN_PATHS) {
    app.post(path, async (request, reply) => {
      const parsed = TokenBodySchema.safeParse(asRecord(request.body));
      if (!parsed.success)
        return oauthError(reply, 400, 'invalid_request', 'Each parameter may be sent only once.');
      const body = parsed.data;
      const basic = basicCredentials(request);
      if (basic && body.client_id !== undefined && basic.clientId !== body.client_id) {
        return oauthError(
          reply,
          401,
          'invalid_client',
          'The client_id in the body and in the Authorization header differ.',
        );
      }
      const clientId = basic?.clientId ?? body.client_id;
      if (!clientId)
        return oauthError(reply, 401, 'invalid_client', 'Client authentication failed: no client_id.');
      let outcome;
      if (body.grant_type === 'authorization_code') {
        if (!body.code || !body.redirect_uri) {
          return oauthError(reply, 400, 'invalid_request', 'code and redirect_uri are required.');
        }
        outcome = state.oauth.redeemCode({
          code: body.code,
          clientId,
          redirectUri: body.redirect_uri,
          codeVerifier: body.code_verifier,
        });
      } else if (body.grant_type === 'refresh_token') {
        if (!body.refresh_token)
          return oauthError(reply, 400, 'invalid_request', 'refresh_token is required.');
        outcome = state.oauth.refresh({ refreshToken: body.refresh_token, clientId });
      } else if (body.grant_type === undefined) {
        return oauthError(reply, 400, 'invalid_request', 'grant_type is required.');
      } else {
        return oauthError(
          reply,
          400,
          'unsupported_grant_type',
          'grant_type must be authorization_code or refresh_token.',
        );
      }
      if (!outcome.ok) return oauthError(reply, outcome.status, outcome.error, outcome.description);
      return reply
        .code(200)
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send(outcome.tokens);
    });
  }

  for (const path of REVOKE_PATHS) {
    app.post(path, async (request, reply) => {
      const token = asRecord(request.body).token;
      if (typeof token !== 'string' || token.length === 0) {
        return oauthError(reply, 400, 'invalid_request', 'token is required.');
      }
      state.oauth.revoke(token);
      return reply.code(200).header('cache-control', 'no-store').send({});
    });
  }
}
