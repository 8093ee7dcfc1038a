import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns';

export const users = pgTable('users', {
  id: id(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  timeZone: text('time_zone').notNull().default('UTC'),
  tone: text('tone').notNull().default('supportive'),
  /** Last coach event id handed out; bumped under a row lock so ids increase per user in commit order. */
  eventSeq: bigint('event_seq', { mode: 'number' }).notNull().default(0),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    /** sha256 of the 256-bit session token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    /** Idle expiry, slid forward on use but never past the absolute expiry. */
    expiresAt: tstz('expires_at').notNull(),
    absoluteExpiresAt: tstz('absolute_expires_at').notNull(),
    /** Keyed HMACs, never the raw IP or user agent. */
    ipHash: text('ip_hash').notNull(),
    uaHash: text('ua_hash'),
  },
  // Logout and revocation delete the row, so a revoked session cannot be resolved again.
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const audits = pgTable(
  'audits',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    meta: jsonb('meta').notNull().default({}),
    ipHash: text('ip_hash'),
    /** Millisecond precision, so a JavaScript Date carries the exact value into a page cursor. */
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 })
      .notNull()
      .defaultNow(),
  },
  (t) => [index('audits_user_created_idx').on(t.userId, t.createdAt, t.id)],
);

export const rules = pgTable(
  'rules',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    params: jsonb('params').notNull(),
    /** Where each personalised number came from (prior, evidence, feedback); null when set by hand. */
    provenance: jsonb('provenance'),
    /**
     * Votes on reflections that personalisation has counted, by reflection id; kept when a re-score
     * replaces the reflection they were given on, so a vote keeps its weight.
     */
    feedback: jsonb('feedback').$type<Record<string, 'up' | 'down'>>().notNull().default({}),
    active: boolean('active').notNull().default(true),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('rules_user_kind_uq').on(t.userId, t.kind)],
);

/** Stored answers to POSTs that carried an `Idempotency-Key` (DESIGN.md §5), kept 24 h. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** `u:<user id>` for a signed-in caller, `a:<keyed hash of the IP>` for an anonymous one. */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    /** Set for signed-in callers, so deleting the user deletes their stored answers. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** sha256 of method, route and body: a reused key with another body is refused. */
    requestHash: text('request_hash').notNull(),
    /** in_flight | done */
    state: text('state').notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    responseType: text('response_type'),
    createdAt: createdAt(),
    /** An in-flight claim older than this was abandoned (a crash) and may be taken over. */
    lockedUntil: tstz('locked_until').notNull(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);
