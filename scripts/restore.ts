// `npm run db:restore -- <file> --yes`: replaces the database the app is configured for with a
// backup made by `npm run db:backup`. Stop the app first; `--yes` confirms the replacement.
import { resolve } from 'node:path';
import { loadConfig } from '../apps/bff/src/config/config';
import { BackupError, configuredTarget, restoreDatabase } from './backup.drivers';

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--'));
if (!file || !args.includes('--yes')) {
  console.error('Usage: npm run db:restore -- <backup file> --yes   (replaces the current database)');
  process.exit(2);
}
const config = loadConfig();
const target = configuredTarget(config);

restoreDatabase(target, resolve(file))
  .then(({ movedAside }) => {
    console.log(`Restored the ${target.driver} database from ${resolve(file)}`);
    if (movedAside) console.log(`The previous data directory was kept at ${movedAside}`);
  })
  .catch((error: unknown) => {
    console.error(error instanceof BackupError ? error.message : error);
    process.exit(1);
  });
