import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SandboxAccount } from '../traders/trader.accounts';

/**
 * The sandbox's OAuth 2 authorization server state: authorization codes (single use, ten minutes,
 * bound to client and redirect URI, PKCE S256), one-hour access tokens and single-use rotating
 * refresh tokens. Everything a code or token grants hangs off a grant, so revoking any token, or
 * replaying a used code or refresh token, revokes the whole grant.
 */

const ACCESS_TOKEN_TTL_SECONDS = 3_600;
const CODE_TTL_MS = 10 * 60_000;
/** Coinbase's refresh tokens live 1.5 years. */
const REFRESH_TOKEN_TTL_MS = 548 * 24 * 3_600_000;
const OFFLINE_ACCESS = 'offline_access';
const VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

export type OAuthOutcome =
  | { ok: true; tokens: TokenResponse }
  | {
      ok: false;
      status: 400 | 401;
      error: 'invalid_grant' | 'invalid_client' | 'invalid_request';
      description: string;
    };

interface Grant {
  id: string;
  clientId: string;
  account: SandboxAccount;
  scopes: string[];
  revoked: boolean;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  account: SandboxAccount;
  scopes: string[];
  codeChallenge: string | undefined;
  expiresAtMs: number;
  /** Set once redeemed; a second redemption revokes this grant. */
  grantId: string | undefined;
}

interface IssuedToken {
  kind: 'access' | 'refresh';
  grantId: string;
  expiresAtMs: number;
  used: boolean;
}

export interface AccessGrant {
  account: SandboxAccount;
  clientId: string;
  scopes: string[];
  /** The token itself, as the per-token rate-limit key. */
  token: string;
}

function opaque(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function parseScopes(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/[\s,]+/).filter((s) => s.length > 0))];
}

export class OAuthStore {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly grants = new Map<string, Grant>();

  constructor(private readonly nowMs: () => number) {}

  issueCode(input: {
    clientId: string;
    redirectUri: string;
    account: SandboxAccount;
    scopes: string[];
    codeChallenge: string | undefined;
  }): string {
    this.forgetExpiredCodes();
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { ...input, expiresAtMs: this.nowMs() + CODE_TTL_MS, grantId: undefined });
    return code;
  }

  redeemCode(input: {
    code: string;
    clientId: string;
    redirectUri: string;
    codeVerifier: string | undefined;
  }): OAuthOutcome {
    const entry = this.codes.get(input.code);
    if (!entry || entry.expiresAtMs <= this.nowMs()) {
      return invalidGrant('The authorization code is invalid or has expired.');
    }
    if (entry.grantId !== undefined) {
      this.revokeGrant(entry.grantId);
      return invalidGrant(
        'The authorization code has already been used; the tokens issued with it are revoked.',
      );
    }
    if (!sameText(entry.clientId, input.clientId)) {
      return {
        ok: false,
        status: 401,
        error: 'invalid_client',
        description: 'The code was issued to another client.',
      };
    }
    if (entry.redirectUri !== input.redirectUri) {
      return invalidGrant('The redirect_uri does not match the one used in the authorization request.');
    }
    if (entry.codeChallenge !== undefined) {
      if (input.codeVerifier === undefined || !VERIFIER_PATTERN.test(input.codeVerifier)) {
        return invalidGrant('A valid code_verifier is required.');
      }
      const challenge = createHash('sha256').update(input.codeVerifier).digest('base64url');
      if (!sameText(challenge, entry.codeChallenge))
        return invalidGrant('The code_verifier does not match the code_challenge.');
    }
    const grant: Grant = {
      id: randomBytes(12).toString('base64url'),
      clientId: entry.clientId,
      account: entry.account,
      scopes: entry.scopes,
      revoked: false,
    };
    this.grants.set(grant.id, grant);
    entry.grantId = grant.id;
    return { ok: true, tokens: this.issueTokens(grant) };
  }

  refresh(input: { refreshToken: string; clientId: string }): OAuthOutcome {
    const token = this.tokens.get(input.refreshToken);
    const grant = token && this.grants.get(token.grantId);
    if (!token || !grant || token.kind !== 'refresh' || grant.revoked || token.expiresAtMs <= this.nowMs()) {
      return invalidGrant('The refresh token is invalid, expired or revoked.');
    }
    if (!sameText(grant.clientId, input.clientId)) {
      return {
        ok: false,
        status: 401,
        error: 'invalid_client',
        description: 'The refresh token was issued to another client.',
      };
    }
    if (token.used) {
      // A refresh token presented twice means it leaked: end the whole grant.
      this.revokeGrant(grant.id);
      return invalidGrant('The refresh token has already been used; the grant is revoked.');
    }
    token.used = true;
    return { ok: true, tokens: this.issueTokens(grant) };
  }

  /** Revokes the grant behind an access or refresh token; unknown tokens are ignored (RFC 7009). */
  revoke(token: string): void {
    const issued = this.tokens.get(token);
    if (issued) this.revokeGrant(issued.grantId);
  }

  authenticate(accessToken: string): AccessGrant | undefined {
    const token = this.tokens.get(accessToken);
    const grant = token && this.grants.get(token.grantId);
    if (!token || !grant || token.kind !== 'access' || grant.revoked || token.expiresAtMs <= this.nowMs()) {
      return undefined;
    }
    return { account: grant.account, clientId: grant.clientId, scopes: grant.scopes, token: accessToken };
  }

  private issueTokens(grant: Grant): TokenResponse {
    const now = this.nowMs();
    const accessToken = opaque('sbx_at_');
    this.tokens.set(accessToken, {
      kind: 'access',
      grantId: grant.id,
      expiresAtMs: now + ACCESS_TOKEN_TTL_SECONDS * 1000,
      used: false,
    });
    const response: TokenResponse = {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      scope: grant.scopes.join(' '),
    };
    if (grant.scopes.includes(OFFLINE_ACCESS)) {
      const refreshToken = opaque('sbx_rt_');
      this.tokens.set(refreshToken, {
        kind: 'refresh',
        grantId: grant.id,
        expiresAtMs: now + REFRESH_TOKEN_TTL_MS,
        used: false,
      });
      response.refresh_token = refreshToken;
    }
    return response;
  }

  private revokeGrant(grantId: string): void {
    const grant = this.grants.get(grantId);
    if (grant) grant.revoked = true;
  }

  private forgetExpiredCodes(): void {
    const now = this.nowMs();
    for (const [code, entry] of this.codes) if (entry.expiresAtMs <= now) this.codes.delete(code);
  }
}

function invalidGrant(description: string): OAuthOutcome {
  return { ok: false, status: 400, error: 'invalid_grant', description };
}
