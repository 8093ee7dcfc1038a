import { customType, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns';
import { users } from './users';

export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const brokerConnections = pgTable(
  'broker_connections',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    broker: text('broker').notNull(),
    status: text('status').notNull(),
    /** Sealed credentials: AES-256-GCM envelope (wrapped data key, nonce, ciphertext, tag). */
    accessEnc: bytea('access_enc').notNull(),
    refreshEnc: bytea('refresh_enc'),
    keyId: text('key_id').notNull(),
    scope: text('scope').notNull(),
    expiresAt: tstz('expires_at'),
    /** The adapter's per-broker cursor (`SyncState`), written only after the page it follows is stored. */
    syncState: jsonb('sync_state'),
    lastSyncAt: tstz('last_sync_at'),
    /** `{ code, message }` safe to show the trader; never a token or key. */
    lastError: jsonb('last_error').$type<{ code: string; message: string }>(),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('broker_connections_user_broker_uq').on(t.userId, t.broker)],
);
