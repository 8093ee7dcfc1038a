import type { Adapters } from '@tt/adapters';
import type { Database } from '@tt/db';
import type { Vault } from '../../infra/keys';
import type { Logger } from '../../logger';
import { openOAuthTokens } from './brokers.credentials';
import { deleteConnection, findSealedConnection, type ConnectionSummary } from './brokers.repository';

export interface RevokeDeps {
  db: Database;
  vault: Vault;
  adapters: Adapters;
  logger: Logger;
}

export interface RevokeOutcome {
  /** True when the exchange confirmed the revocation; Binance keys can only be deleted by the trader. */
  revokedAtBroker: boolean;
}

/**
 * Revokes the connection's tokens at the exchange, then deletes the row. A failed revocation is
 * logged and does not keep the row: our copy is the only one, and deleting it ends our access even
 * while the exchange is unreachable (the access token then lapses within the hour).
 */
export async function revokeAndDelete(
  deps: RevokeDeps,
  connection: ConnectionSummary,
): Promise<RevokeOutcome> {
  let revokedAtBroker = false;
  if (connection.broker === 'coinbase') {
    const row = await findSealedConnection(deps.db, connection.id);
    if (row) {
      try {
        const tokens = openOAuthTokens(deps.vault, row);
        if (tokens.refreshToken) await deps.adapters.coinbase.oauth.revoke(tokens.refreshToken);
        await deps.adapters.coinbase.oauth.revoke(tokens.accessToken);
        revokedAtBroker = true;
      } catch (error) {
        const code = error instanceof Error && 'code' in error ? String(error.code) : 'UNKNOWN';
        deps.logger.warn(
          { connectionId: connection.id, broker: connection.broker, code },
          'broker revocation failed',
        );
      }
    }
  }
  await deleteConnection(deps.db, connection.id);
  return { revokedAtBroker };
}
