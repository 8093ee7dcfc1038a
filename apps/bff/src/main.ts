import { exitOnSignals, loadConfigOrExit, startProcess, type Role } from './server';
import { createLogger } from './logger';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
const roleArg = process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
const role: Role = roleArg === 'bff' || roleArg === 'worker' ? roleArg : 'all';

startProcess(config, role, logger)
  .then((running) => exitOnSignals(running, logger))
  .catch((err: unknown) => {
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  });
