import { createAdapters, createTwelveDataSource } from '@tt/adapters';
import type { Platform } from '../platform';
import { createBrokerConnectionsService } from './brokers';
import { createCoachEventsService } from './coach-events';
import { createMarketDataService, createSharedVendorBudget } from './market-data';
import { createPositionsService } from './positions';
import { createRulesService } from './rules';
import { createTradesService } from './trades';
import { createImportRunTracker, createImportsService, importTradesJob } from './imports';
import { scoreTradesJob, type ScoreJobPayload } from './scoring';
import type { JobDefinition } from '../infra/jobs';
import { createIdentityServices, type IdentityOptions } from './auth';
import { createExportRepository, createPrivacyService } from './privacy';
import { createClientEventsService } from './realtime';
import { createSimulationsService, simulateJob, type SimulationsService } from './simulations';
import { buildDigestJob, createDigestsService, type DigestsService } from './digests';
import { createScheduler } from './scheduler';

export interface ServicesOptions {
  /** Accounts and sessions: tests lower the Argon2 cost here. */
  identity?: IdentityOptions;
}

/**
 * Builds every feature service once per process from the platform's ports, passing each only
 * what it uses. Routes (bff role) and job handlers (worker role) share these instances.
 */
export function createServices(platform: Platform, options: ServicesOptions = {}) {
  const { database, jobs, cache, pubsub, vault, ml, logger, config, telemetry } = platform;
  const db = database.db;
  const adapters = createAdapters({
    coinbase: config.brokers.coinbase,
    binance: config.brokers.binance,
    logger: logger.child({ component: 'broker-http' }),
    onEvent: telemetry.metrics.brokerEvent,
  });
  const identity = createIdentityServices({ db, cache, pubsub, logger, config }, options.identity);
  const brokers = createBrokerConnectionsService({
    db,
    cache,
    vault,
    adapters,
    logger,
    audit: identity.audit,
  });
  const events = createCoachEventsService({ db, pubsub });
  const vendor =
    config.marketVendor &&
    createTwelveDataSource({
      baseUrl: config.marketVendor.baseUrl,
      apiKey: config.marketVendor.apiKey,
      budget: createSharedVendorBudget({
        cache,
        vendor: config.marketVendor.name,
        perMinute: config.marketVendor.requestsPerMinute,
      }),
      logger: logger.child({ component: 'market-vendor' }),
    });
  const marketData = createMarketDataService({
    db,
    ...(vendor ? { vendor } : {}),
    logger,
    metrics: telemetry.metrics.vendor,
  });
  const trades = createTradesService({ db, cache });
  const positions = createPositionsService({ db, marketData, trades });

  const rules = createRulesService({
    db,
    // A rule change re-tags every trade of the user in the background (called after start-up).
    onChange: async (userId) => {
      await jobs.enqueue(scoreJob, { userId }, { jobId: `rescore-${userId}-${Date.now()}` });
    },
  });
  // One tracker for both stages of an import: progress events, counts, the end.
  const importRuns = createImportRunTracker({ db, events, metrics: telemetry.metrics.pipeline });
  const scoreJob: JobDefinition<ScoreJobPayload> = scoreTradesJob({
    db,
    ml,
    marketData,
    rules,
    events,
    trades,
    positions,
    runs: importRuns,
    metrics: telemetry.metrics.pipeline,
  });
  const importJob = importTradesJob({
    db,
    brokers,
    marketData,
    positions,
    trades,
    jobs,
    runs: importRuns,
    scoreJob: () => scoreJob,
  });
  const imports = createImportsService({
    db,
    jobs,
    trades,
    brokers,
    marketData,
    importJob: () => importJob,
    scoreJob: () => scoreJob,
  });
  const privacy = createPrivacyService({
    auth: identity.auth,
    sessions: identity.sessions,
    audit: identity.audit,
    users: identity.users,
    exports: createExportRepository(db),
    brokerConnections: (userId) => brokers.list(userId),
    rules: (userId) => rules.list(userId),
    // Tokens are revoked at each exchange before the rows that hold them go.
    beforeUserDelete: [(userId) => brokers.revokeAllForUser(userId)],
    pubsub,
    logger,
  });
  const clientEvents = createClientEventsService({ db, trades, ml });

  const simulationJob = simulateJob({ simulations: () => simulations });
  const simulations: SimulationsService = createSimulationsService({
    db,
    marketData,
    jobs,
    simulateJob: () => simulationJob,
  });
  const digestJob = buildDigestJob({ digests: () => digests });
  const digests: DigestsService = createDigestsService({
    db,
    marketData,
    ml,
    rules,
    logger,
    jobs,
    events,
    digestJob: () => digestJob,
  });
  const scheduler = createScheduler({
    jobs,
    digests,
    imports,
    brokers,
    syncIntervalMinutes: config.syncIntervalMinutes,
    // Work a queue lost is put back about as fast as a crashed worker's jobs are taken over.
    recoverEveryMs: config.jobLeaseMs,
    logger,
  });

  return {
    identity,
    privacy,
    adapters,
    brokers,
    events,
    marketData,
    positions,
    trades,
    rules,
    imports,
    clientEvents,
    simulations,
    digests,
    scheduler,
    jobDefinitions: [
      importJob,
      scoreJob,
      simulationJob,
      digestJob,
      scheduler.tickJob,
    ] as JobDefinition<never>[],
  };
}

export type Services = ReturnType<typeof createServices>;
