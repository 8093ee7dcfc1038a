import { withFreshToken, type Adapters, type FillPage, type OAuthTokens, type SyncState } from '@tt/adapters';
import type { Clock, CredentialProvider } from '@tt/adapters';
import type { Database } from '@tt/db';
import { AppError, type BrokerConnectionDto, type BrokerId, type Candle } from '@tt/shared';
import type { Cache } from '../../infra/cache';
import type { Vault } from '../../infra/keys';
import type { Logger } from '../../logger';
import type { AuditService } from '../audit';
import { apiKeyProvider, oauthTokenStore } from './brokers.credentials';
import { toActiveConnection, toConnectionDto } from './brokers.dto';
import {
  listConnectionsByStatus,
  listUserConnections,
  markBroken,
  setLastError,
  setLastSyncAt,
  setSyncState,
} from './brokers.repository';
import { revokeAndDelete } from './brokers.revoke';

/** A connection imports may use. Carries no credential: adapters open them per request. */
export interface ActiveConnection {
  id: string;
  userId: string;
  broker: BrokerId;
  syncState: SyncState | null;
  lastSyncAt: Date | null;
}

export interface FetchFillsOptions {
  since: Date;
  until: Date;
  syncState?: SyncState | null;
  signal?: AbortSignal;
}

/** What other modules (imports, market data, privacy) call; they never read broker tables. */
export interface BrokerConnectionsService {
  list(userId: string): Promise<BrokerConnectionDto[]>;
  /** Status `active` only: paused connections are skipped by imports. */
  activeConnections(userId: string): Promise<ActiveConnection[]>;
  /** Every active connection, for the periodic sync. */
  allActiveConnections(): Promise<ActiveConnection[]>;
  fetchFills(conn: ActiveConnection, input: FetchFillsOptions): AsyncIterable<FillPage>;
  fetchCandles(
    conn: ActiveConnection,
    input: { symbol: string; since: Date; until: Date },
  ): Promise<Candle[]>;
  saveSyncState(connectionId: string, syncState: SyncState): Promise<void>;
  markSynced(connectionId: string, at: Date): Promise<void>;
  /** Records (or, with null, clears) the error shown beside the connection; the status stays. */
  markError(connectionId: string, error: { code: string; message: string } | null): Promise<void>;
  /** Account deletion: revokes every token at its exchange, then deletes the connections. */
  revokeAllForUser(userId: string): Promise<void>;
}

/** The audit service's recording call, the one part of it this module uses. */
export type BrokerAudit = Pick<AuditService, 'record'>;

export interface BrokerServiceDeps {
  db: Database;
  cache: Cache;
  vault: Vault;
  adapters: Adapters;
  audit?: BrokerAudit;
  logger: Logger;
  /** Decides when an access token counts as about to expire. Default: the system clock. */
  clock?: Clock;
  /** Renew an access token when less than this is left. Default 5 minutes. */
  refreshBeforeMs?: number;
}

/**
 * Errors after which retrying cannot help: the trader must connect again. The connection is moved
 * to `error` so that imports stop using it and the Connect page says why.
 */
const NEEDS_RECONNECT = new Set([
  'BROKER.TOKEN_REVOKED',
  'BROKER.INVALID_KEY',
  'BROKER.KEY_NOT_READ_ONLY',
  'BROKER.PERMISSION_DENIED',
]);

export function createBrokerConnectionsService(deps: BrokerServiceDeps): BrokerConnectionsService {
  const { db, adapters, logger } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };

  const coinbaseCredentials = (conn: ActiveConnection): CredentialProvider<OAuthTokens> =>
    withFreshToken(adapters.coinbase.oauth, oauthTokenStore(deps, conn), {
      key: conn.id,
      clock,
      ...(deps.refreshBeforeMs !== undefined ? { refreshBeforeMs: deps.refreshBeforeMs } : {}),
    });

  const binanceAdapter = () => {
    const adapter = adapters.get('binance');
    if (adapter.id !== 'binance') throw new Error('adapters.get(binance) returned another broker');
    return adapter;
  };

  /** Moves a connection to `error` when the broker says it is dead; rethrows either way. */
  const noteFailure = async (conn: ActiveConnection, error: unknown): Promise<never> => {
    if (error instanceof AppError && NEEDS_RECONNECT.has(error.code)) {
      logger.warn(
        { connectionId: conn.id, broker: conn.broker, code: error.code },
        'broker connection needs reconnecting',
      );
      await markBroken(db, conn.id, { code: error.code, message: error.detail ?? error.title });
    }
    throw error;
  };

  async function* fetchFills(conn: ActiveConnection, input: FetchFillsOptions): AsyncGenerator<FillPage> {
    const window = {
      since: input.since,
      until: input.until,
      ...(input.syncState ? { syncState: input.syncState } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    };
    try {
      if (conn.broker === 'coinbase') {
        yield* adapters.coinbase.fetchFills({ ...window, credentials: coinbaseCredentials(conn) });
      } else {
        yield* binanceAdapter().fetchFills({ ...window, credentials: apiKeyProvider(deps, conn) });
      }
    } catch (error) {
      await noteFailure(conn, error);
    }
  }

  return {
    list: async (userId) => (await listUserConnections(db, userId)).map(toConnectionDto),
    activeConnections: async (userId) =>
      (await listConnectionsByStatus(db, 'active', userId)).map(toActiveConnection),
    allActiveConnections: async () => (await listConnectionsByStatus(db, 'active')).map(toActiveConnection),
    fetchFills,
    async fetchCandles(conn, input) {
      try {
        return conn.broker === 'coinbase'
          ? await adapters.coinbase.fetchCandles({ ...input, credentials: coinbaseCredentials(conn) })
          : await binanceAdapter().fetchCandles({ ...input, credentials: apiKeyProvider(deps, conn) });
      } catch (error) {
        return noteFailure(conn, error);
      }
    },
    saveSyncState: (connectionId, syncState) => setSyncState(db, connectionId, syncState),
    markSynced: (connectionId, at) => setLastSyncAt(db, connectionId, at),
    markError: (connectionId, error) => setLastError(db, connectionId, error),
    async revokeAllForUser(userId) {
      for (const row of await listUserConnections(db, userId)) {
        await revokeAndDelete(deps, row);
      }
    },
  };
}
