import { SyncStateSchema, type SyncState } from '@tt/adapters';
import { BrokerIdSchema, type BrokerConnectionDto, type BrokerConnectionStatus } from '@tt/shared';
import type { ConnectionSummary } from './brokers.repository';
import type { ActiveConnection } from './brokers.service';

/** A stored cursor, or null when it is missing or belongs to another broker's format. */
export function parseSyncState(value: unknown, broker: string): SyncState | null {
  const parsed = SyncStateSchema.safeParse(value);
  return parsed.success && parsed.data.broker === broker ? parsed.data : null;
}

/** Exchange names as traders know them, for messages. */
export const BROKER_NAMES = { coinbase: 'Coinbase', binance: 'Binance' } as const;

/** Scopes as the broker reported them (Coinbase separates them with commas or spaces). */
export const splitScopes = (scope: string) => scope.split(/[\s,]+/).filter(Boolean);

export function toConnectionDto(row: ConnectionSummary): BrokerConnectionDto {
  return {
    broker: BrokerIdSchema.parse(row.broker),
    status: row.status as BrokerConnectionStatus,
    scopes: splitScopes(row.scope),
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    lastError: row.lastError ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toActiveConnection(row: ConnectionSummary): ActiveConnection {
  return {
    id: row.id,
    userId: row.userId,
    broker: BrokerIdSchema.parse(row.broker),
    syncState: parseSyncState(row.syncState, row.broker),
    lastSyncAt: row.lastSyncAt,
  };
}
