import { PAGE_LIMIT_MAX, UserDeletedEventSchema, type AuditEntry, type PrivacyExport } from '@tt/shared';
import type { PubSub } from '../../infra/pubsub';
import type { Logger } from '../../logger';
import type { AuthContext } from '../../plugins/auth-session';
import type { AuditService } from '../audit';
import type { AuthService, ClientInfo, SessionService, UserRepository } from '../auth';
import type { ExportRepository } from './privacy.repository';

export const USER_DELETED_CHANNEL = 'auth.user-deleted';

/** Runs before an account's rows go: the brokers module revokes the user's tokens at each exchange. */
export type BeforeUserDelete = (userId: string) => Promise<void>;

export interface PrivacyServiceOptions {
  auth: AuthService;
  sessions: SessionService;
  audit: AuditService;
  users: UserRepository;
  exports: ExportRepository;
  /** The user's broker connections as their module lists them: never a token, key or secret. */
  brokerConnections(userId: string): Promise<unknown[]>;
  rules(userId: string): Promise<unknown[]>;
  /** Filled by the modules that hold something outside our database for a user. */
  beforeUserDelete: BeforeUserDelete[];
  pubsub: PubSub;
  logger: Logger;
  now?: () => Date;
}

const asRows = (items: unknown[]) => items as Record<string, unknown>[];

/** GDPR-style flows: everything we hold about a user, and deleting all of it. */
export function createPrivacyService(options: PrivacyServiceOptions) {
  const { auth, sessions, audit, exports, logger } = options;
  const now = options.now ?? (() => new Date());

  const allAudit = async (userId: string) => {
    const entries: AuditEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.list(userId, PAGE_LIMIT_MAX, cursor);
      entries.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return entries;
  };

  return {
    /** Everything held about the user, as one JSON document; credentials and hashes are never in it. */
    async export(userId: string, client: ClientInfo): Promise<PrivacyExport> {
      const [user, sessionList, auditEntries, brokerConnections, rules] = await Promise.all([
        auth.me(userId),
        sessions.list(userId, null),
        allAudit(userId),
        options.brokerConnections(userId),
        options.rules(userId),
      ]);
      const [trades, tags, positions, reflections, notes, digests, imports, simulations, coachEvents] =
        await Promise.all([
          exports.trades(userId),
          exports.tags(userId),
          exports.positions(userId),
          exports.reflections(userId),
          exports.notes(userId),
          exports.digests(userId),
          exports.imports(userId),
          exports.simulations(userId),
          exports.coachEvents(userId),
        ]);
      await audit.record(userId, 'export', { trades: trades.length }, client);
      return {
        exportedAt: now().toISOString(),
        user,
        sessions: sessionList.map(({ current: _current, ...session }) => session),
        audit: auditEntries,
        brokerConnections: asRows(brokerConnections),
        trades,
        tags,
        positions,
        reflections,
        notes,
        rules: asRows(rules),
        digests,
        imports,
        simulations,
        coachEvents,
      };
    },

    /**
     * Deletes the account once the password is confirmed: tokens at the exchanges first (the
     * hooks), then the user row, which every table of theirs cascades from, then tells other
     * processes so open sockets close. A hook that fails is logged and does not keep the data.
     */
    async deleteAccount(caller: AuthContext, password: string, client: ClientInfo): Promise<void> {
      await auth.confirmPassword(caller.userId, password, client);
      for (const hook of options.beforeUserDelete) {
        await hook(caller.userId).catch((error: unknown) =>
          logger.error({ err: error, userId: caller.userId }, 'pre-deletion step failed; deleting anyway'),
        );
      }
      // Revoked first, so that no process keeps answering for the account from its session cache.
      await sessions.revokeAllExcept(caller.userId, null);
      await options.users.delete(caller.userId);
      await options.pubsub.publish(
        USER_DELETED_CHANNEL,
        JSON.stringify(UserDeletedEventSchema.parse({ userId: caller.userId })),
      );
      // The audit rows went with the account; the deletion itself is kept in the operator's log.
      logger.info({ userId: caller.userId, action: 'account.delete' }, 'account deleted');
    },
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
