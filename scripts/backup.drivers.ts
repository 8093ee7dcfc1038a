import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AppConfig } from '../apps/bff/src/config/config';

/*
 * Backups of the application database in both runtime modes (DESIGN.md §3):
 * - PostgreSQL: `pg_dump --format=custom` of DATABASE_URL, restored with `pg_restore --clean
 *   --if-exists --single-transaction` (all or nothing). The client tools must be at least the
 *   server's major version.
 * - PGlite: PGlite's own `dumpDataDir` (a gzipped tarball of the data directory), taken while no
 *   process has the database open (PGlite is single-process; its `postmaster.pid` marks an open
 *   database), restored with `loadDataDir` into a fresh directory; the old one is moved aside.
 */

export type BackupTarget = { driver: 'postgres'; url: string } | { driver: 'pglite'; dataDir: string };

/** The database the app is configured for: DATABASE_URL, or the PGlite files under DATA_DIR. */
export function configuredTarget(config: Pick<AppConfig, 'database' | 'dataDir'>): BackupTarget {
  return config.database.driver === 'postgres'
    ? { driver: 'postgres', url: config.database.url }
    : { driver: 'pglite', dataDir: config.database.dataDir ?? resolve(config.dataDir, 'pg') };
}

/** `.pgdump` for PostgreSQL, `.tar.gz` for PGlite; restore checks the file matches the mode. */
export const BACKUP_EXTENSION = { postgres: '.pgdump', pglite: '.tar.gz' } as const;

export class BackupError extends Error {
  override name = 'BackupError';
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new BackupError(`${command} could not start: ${error.message}`)));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new BackupError(`${command} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

function assertClosed(dataDir: string): void {
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    throw new BackupError(
      `The PGlite database in ${dataDir} is open (postmaster.pid is there): stop Trading Twin first. ` +
        'If no process uses it (after a crash), remove that file and try again.',
    );
  }
}

/** Writes a backup of `target` to `file` (its folder is created). */
export async function backupDatabase(target: BackupTarget, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  if (target.driver === 'postgres') {
    await run('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--file=${file}`,
      `--dbname=${target.url}`,
    ]);
    return;
  }
  if (!existsSync(join(target.dataDir, 'PG_VERSION')))
    throw new BackupError(`No PGlite database in ${target.dataDir}`);
  assertClosed(target.dataDir);
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(target.dataDir);
  try {
    const dump = await pg.dumpDataDir('gzip');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
  } finally {
    await pg.close();
  }
}

/**
 * Replaces the database with the backup in `file`. PostgreSQL: in one transaction, dropping the
 * objects the backup holds first. PGlite: the current data directory is moved aside (the path is
 * returned) and the backup loaded into a fresh one.
 */
export async function restoreDatabase(target: BackupTarget, file: string): Promise<{ movedAside?: string }> {
  if (!file.endsWith(BACKUP_EXTENSION[target.driver])) {
    throw new BackupError(`${file} is not a ${target.driver} backup (${BACKUP_EXTENSION[target.driver]})`);
  }
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  if (target.driver === 'postgres') {
    await run('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      `--dbname=${target.url}`,
      file,
    ]);
    return {};
  }
  let movedAside: string | undefined;
  if (existsSync(target.dataDir)) {
    assertClosed(target.dataDir);
    movedAside = `${target.dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(target.dataDir, movedAside);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(target.dataDir, { loadDataDir: new Blob([await readFile(file)]) });
  try {
    await pg.query('select 1');
  } finally {
    await pg.close();
  }
  return movedAside ? { movedAside } : {};
}

/** Where a backup goes by default: `<DATA_DIR>/backups/<mode>-<timestamp><ext>`. */
export function defaultBackupFile(dataDir: string, target: BackupTarget, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return join(dataDir, 'backups', `${target.driver}-${stamp}${BACKUP_EXTENSION[target.driver]}`);
}
