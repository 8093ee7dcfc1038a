import { exitOnSignals, loadConfigOrExit, startProcess } from './server';
import { createLogger } from './logger';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);

startProcess(config, 'worker', logger)
  .then((running) => exitOnSignals(running, logger))
  .catch((err: unknown) => {
    logger.fatal({ err }, 'worker start-up failed');
    process.exit(1);
  });
