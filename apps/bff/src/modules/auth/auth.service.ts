import {
  CoachToneSchema,
  normalizePassword,
  type ChangePasswordRequest,
  type LoginRequest,
  type Me,
  type SessionDto,
  type SignupRequest,
  type UpdateSettingsRequest,
} from '@tt/shared';
import type { Logger } from '../../logger';
import type { AuthContext } from '../../plugins/auth-session';
import type { AuditService } from '../audit';
import { AuthErrors } from './auth.errors';
import type { LoginThrottle } from './login.throttle';
import type { PasswordHasher } from './password.hasher';
import type { PasswordPolicy } from './password.policy';
import type { ClientInfo, IssuedSession, SessionService } from './session.service';
import type { UserRepository, UserRow } from './user.repository';

export interface AuthServiceOptions {
  users: UserRepository;
  sessions: SessionService;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  throttle: LoginThrottle;
  audit: AuditService;
  logger: Logger;
}

export const toMe = (row: UserRow): Me => ({
  id: row.id,
  email: row.email,
  timeZone: row.timeZone,
  tone: CoachToneSchema.catch('supportive').parse(row.tone),
  createdAt: row.createdAt.toISOString(),
});

/** Accounts: sign-up, sign-in, password changes, settings and the user's own sessions. */
export function createAuthService(options: AuthServiceOptions) {
  const { users, sessions, hasher, policy, throttle, audit, logger } = options;

  const assertNotThrottled = async (email: string) => {
    const waitMs = await throttle.retryAfterMs(email);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw AuthErrors.LOGIN_THROTTLED({
        detail: `Try again in ${seconds} s.`,
        headers: { 'retry-after': String(seconds) },
      });
    }
  };
  // Audit writes on the failure path are not awaited, so a failure costs the same time whether or not the account exists.
  const recordInBackground = (...args: Parameters<AuditService['record']>) => {
    void audit.record(...args).catch((error: unknown) => logger.error({ err: error }, 'audit record failed'));
  };
  const userOrThrow = async (userId: string) => {
    const user = await users.findById(userId);
    if (!user) throw AuthErrors.USER_NOT_FOUND();
    return user;
  };

  /** Checks a signed-in user's password under the per-account throttle; 403 when it is wrong. */
  const verifyOwnPassword = async (user: UserRow, password: string, client: ClientInfo) => {
    await assertNotThrottled(user.email);
    if (!(await hasher.verify(user.passwordHash, normalizePassword(password)))) {
      await throttle.recordFailure(user.email);
      recordInBackground(user.id, 'login.failure', { reason: 'reauthentication' }, client);
      throw AuthErrors.WRONG_PASSWORD();
    }
    await throttle.reset(user.email);
  };

  return {
    async signup(input: SignupRequest, client: ClientInfo): Promise<Me> {
      await policy.assertAcceptable(input.password, { email: input.email });
      const passwordHash = await hasher.hash(normalizePassword(input.password));
      const user = await users.insert(input.email, passwordHash);
      if (!user) throw AuthErrors.EMAIL_TAKEN({ detail: 'Sign in instead, or use another email.' });
      await audit.record(user.id, 'signup', {}, client);
      return toMe(user);
    },

    /**
     * One answer for an unknown email and a wrong password, in about the same time: an unknown
     * email is verified against a dummy hash of the same cost. Failures count per account.
     */
    async login(input: LoginRequest, client: ClientInfo): Promise<{ me: Me; session: IssuedSession }> {
      await assertNotThrottled(input.email);
      const password = normalizePassword(input.password);
      const user = await users.findByEmail(input.email);
      if (!user) {
        await hasher.verifyDummy(password);
        await throttle.recordFailure(input.email);
        throw AuthErrors.INVALID_CREDENTIALS();
      }
      if (!(await hasher.verify(user.passwordHash, password))) {
        await throttle.recordFailure(input.email);
        recordInBackground(user.id, 'login.failure', {}, client);
        throw AuthErrors.INVALID_CREDENTIALS();
      }
      await throttle.reset(input.email);
      if (hasher.needsRehash(user.passwordHash))
        await users.setPasswordHash(user.id, await hasher.hash(password));
      const session = await sessions.create(user.id, client);
      await audit.record(user.id, 'login.success', {}, client);
      return { me: toMe(user), session };
    },

    async logout(auth: AuthContext, client: ClientInfo): Promise<void> {
      if (await sessions.revoke(auth.userId, auth.sessionId))
        await audit.record(auth.userId, 'logout', {}, client);
    },

    async me(userId: string): Promise<Me> {
      return toMe(await userOrThrow(userId));
    },

    /** Replaces the password and ends every other session of the user. */
    async changePassword(auth: AuthContext, input: ChangePasswordRequest, client: ClientInfo): Promise<void> {
      const user = await userOrThrow(auth.userId);
      await verifyOwnPassword(user, input.currentPassword, client);
      await policy.assertAcceptable(input.newPassword, { email: user.email });
      await users.setPasswordHash(user.id, await hasher.hash(normalizePassword(input.newPassword)));
      const revoked = await sessions.revokeAllExcept(user.id, auth.sessionId);
      await audit.record(user.id, 'password.change', { revokedSessions: revoked }, client);
    },

    /** For destructive actions (account deletion): the signed-in user proves they know the password. */
    async confirmPassword(userId: string, password: string, client: ClientInfo): Promise<void> {
      await verifyOwnPassword(await userOrThrow(userId), password, client);
    },

    async updateSettings(userId: string, input: UpdateSettingsRequest, client: ClientInfo): Promise<Me> {
      const changes = {
        ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
        ...(input.tone !== undefined ? { tone: input.tone } : {}),
      };
      const user = await users.updateSettings(userId, changes);
      if (!user) throw AuthErrors.USER_NOT_FOUND();
      await audit.record(userId, 'settings.change', changes, client);
      return toMe(user);
    },

    listSessions(auth: AuthContext): Promise<SessionDto[]> {
      return sessions.list(auth.userId, auth.sessionId);
    },

    /** Ends one of the caller's own sessions; another user's id is simply not found. */
    async revokeSession(auth: AuthContext, sessionId: string, client: ClientInfo): Promise<void> {
      if (!(await sessions.revoke(auth.userId, sessionId))) throw AuthErrors.SESSION_NOT_FOUND();
      await audit.record(auth.userId, 'session.revoke', { current: sessionId === auth.sessionId }, client);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
