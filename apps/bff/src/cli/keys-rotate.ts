import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { openDatabase, type Database } from '@tt/db';
import { ConfigError, loadConfig, type AppConfig } from '../config/config';
import { addFileKey, createVault, loadFileKeyStore, parseKeySpec, type KeyStore } from '../infra/keys';
import { createLogger, type Logger } from '../logger';
import { rewrapBrokerConnections, type RewrapSummary } from '../modules/brokers';

export interface RotateKeysOptions {
  config: AppConfig;
  db: Database;
  logger?: Logger;
  /**
   * File driver only: re-wrap under the newest existing key without adding one (to finish a run
   * that stopped half way). Default false.
   */
  rewrapOnly?: boolean;
  /** Rows per batch. Default 200. */
  batchSize?: number;
}

export interface RotateKeysResult {
  driver: 'file' | 'env';
  /** The newest key: every record is re-wrapped under it. */
  keyId: string;
  /** Every key that still opens records, oldest first. */
  keyIds: string[];
  /** True when this run created `keyId` (file driver). */
  keyAdded: boolean;
  tables: RewrapSummary[];
  notes: string[];
}

const ENV_NOTE =
  'APP_ENCRYPTION_KEYS driver: this command cannot add a key for you. Append the new key last ' +
  '(`old:<base64>,new:<base64>`, 32 random bytes, e.g. `openssl rand -base64 32`), deploy it to every ' +
  'process, then run this command; it re-wraps every record under the last key. Keep the old keys ' +
  'listed until byKeyId shows no record under them.';

const FILE_NOTE =
  'File key driver: restart every process that uses this data directory, so it loads the new key ' +
  '(a process started before the rotation cannot open re-wrapped records).';

function keyStore(options: RotateKeysOptions): { store: KeyStore; added: boolean } {
  const keys = options.config.keys;
  if (keys.driver === 'env') return { store: parseKeySpec(keys.spec), added: false };
  // Loading first creates the key file on a data directory that has none yet.
  const existing = loadFileKeyStore(keys.dir);
  if (options.rewrapOnly) return { store: existing, added: false };
  return { store: addFileKey(keys.dir), added: true };
}

/**
 * Adds a new newest master key (file driver) and re-wraps every sealed record under it, in
 * batches. Records keep their ciphertext; only the wrapped data key and the key id change.
 */
export async function rotateKeys(options: RotateKeysOptions): Promise<RotateKeysResult> {
  const { store, added } = keyStore(options);
  const vault = createVault(store);
  const brokers = await rewrapBrokerConnections({
    db: options.db,
    vault,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
  return {
    driver: options.config.keys.driver,
    keyId: vault.currentKeyId(),
    keyIds: store.ids(),
    keyAdded: added,
    tables: [brokers],
    notes: [options.config.keys.driver === 'env' ? ENV_NOTE : FILE_NOTE],
  };
}

/** PGlite is a single-process database: rotating while the embedded server runs would corrupt it. */
async function embeddedServerRunning(config: AppConfig): Promise<boolean> {
  try {
    const res = await fetch(`http://${config.http.host}:${config.http.port}/healthz`, {
      signal: AbortSignal.timeout(1000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<number> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 78;
  }
  if (config.database.driver === 'pglite' && (await embeddedServerRunning(config))) {
    console.error(
      `keys:rotate: the embedded server is running on ${config.http.host}:${config.http.port}. ` +
        'Stop it first: the embedded database can be opened by one process at a time.',
    );
    return 2;
  }
  // Logs go to stderr so that stdout is the JSON summary alone.
  const logger = createLogger(config.logLevel, pino.destination(2));
  const database = await openDatabase(config.database);
  try {
    const result = await rotateKeys({
      config,
      db: database.db,
      logger,
      rewrapOnly: argv.includes('--rewrap-only'),
    });
    console.log(JSON.stringify(result, null, 2));
    return result.tables.some((t) => t.failed.length > 0) ? 1 : 0;
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error('keys:rotate failed:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
