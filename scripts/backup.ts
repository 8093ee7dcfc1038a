// `npm run db:backup [-- <file>]`: backs up the database the app is configured for (DATABASE_URL,
// or the PGlite data under DATA_DIR) to <file>, default DATA_DIR/backups/<mode>-<timestamp>.
import { resolve } from 'node:path';
import { loadConfig } from '../apps/bff/src/config/config';
import { BackupError, backupDatabase, configuredTarget, defaultBackupFile } from './backup.drivers';

const config = loadConfig();
const target = configuredTarget(config);
const file = resolve(process.argv[2] ?? defaultBackupFile(config.dataDir, target));

backupDatabase(target, file)
  .then(() => console.log(`Backed up the ${target.driver} database to ${file}`))
  .catch((error: unknown) => {
    console.error(error instanceof BackupError ? error.message : error);
    process.exit(1);
  });
