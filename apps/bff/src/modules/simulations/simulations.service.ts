import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  AppError,
  CommonErrors,
  SimulationRequestSchema,
  parseOrThrow,
  type BiasLabel,
  type Problem,
  type SimulationAccepted,
  type SimulationResult,
} from '@tt/shared';
import type { Database } from '@tt/db';
import type { JobDefinition, JobQueue } from '../../infra/jobs';
import type { MarketDataService } from '../market-data';
import { TradeErrors } from '../trades';
import { computeSimulation, type ComputedSimulation, type SimulationScope } from './simulation-compute';
import { SimulationErrors } from './simulations.errors';
import {
  dataVersion,
  findByKey,
  getSimulation,
  getSimulationById,
  lotsOfSymbol,
  lotsOfTrade,
  tagsOfTrades,
  tradeInScope,
  purgeSimulations,
  saveSimulation,
  updateSimulation,
  type SimulationRow,
} from './simulations.repository';
import type { SimulateJobPayload } from './simulate.job';

/** Raised when the maths changes, so results cached by an older version are not served. */
const ALGORITHM_VERSION = 1;
/** How long a result is served from the cache (it is also invalidated by any change of the user's data). */
export const SIMULATION_TTL_MS = 24 * 3_600_000;
/** Symbol-wide requests over more positions than this run in q_sim (202, then poll). */
export const SYNC_LOT_LIMIT = 2_000;

type ParsedRequest = z.output<typeof SimulationRequestSchema>;

export type SimulationAnswer =
  { status: 200; body: SimulationResult } | { status: 202; body: SimulationAccepted };

export interface SimulationsService {
  /** `POST /api/simulations/simple`: the cached or freshly computed result, or 202 when it runs in q_sim. */
  simulate(userId: string, body: unknown): Promise<SimulationAnswer>;
  /** `GET /api/simulations/:id`: the result, 202 while queued, or the problem it failed with. */
  get(userId: string, simulationId: string): Promise<SimulationAnswer>;
  /** The q_sim handler: computes a queued simulation and stores its result or its problem. */
  runQueued(simulationId: string, finalAttempt: boolean): Promise<void>;
}

export interface SimulationsServiceDeps {
  db: Database;
  marketData: Pick<MarketDataService, 'series'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  simulateJob: () => JobDefinition<SimulateJobPayload>;
  now?: () => Date;
  /** Default {@link SYNC_LOT_LIMIT}. */
  syncLotLimit?: number;
}

function cacheKey(request: ParsedRequest, version: string): string {
  const scope = request.tradeId ? { tradeId: request.tradeId } : { symbol: request.symbol };
  const material = JSON.stringify([
    ALGORITHM_VERSION,
    scope,
    request.horizonDays,
    request.pullbackPct,
    request.skipLabel ?? null,
    version,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

const accepted = (row: SimulationRow): SimulationAnswer => ({
  status: 202,
  body: {
    id: row.id,
    status: row.status === 'running' ? 'running' : 'queued',
    pollUrl: `/api/simulations/${row.id}`,
  },
});

const done = (row: SimulationRow, cached: boolean): SimulationAnswer => ({
  status: 200,
  body: { ...(row.result as ComputedSimulation), id: row.id, cached },
});

function toProblem(error: AppError): Problem {
  return { ...error.toProblem(), detail: error.detail ?? error.title };
}

export function createSimulationsService(deps: SimulationsServiceDeps): SimulationsService {
  const now = deps.now ?? (() => new Date());
  const syncLotLimit = deps.syncLotLimit ?? SYNC_LOT_LIMIT;

  async function resolveScope(userId: string, request: ParsedRequest): Promise<SimulationScope> {
    if (request.tradeId) {
      const trade = z.uuid().safeParse(request.tradeId).success
        ? await tradeInScope(deps.db, userId, request.tradeId)
        : null;
      if (!trade) throw TradeErrors.NOT_FOUND();
      if (request.symbol && request.symbol !== trade.symbol) {
        throw CommonErrors.VALIDATION({
          detail: `The trade is in ${trade.symbol}, not ${request.symbol}.`,
          errors: [{ field: 'body.symbol', message: `does not match the trade (${trade.symbol})` }],
        });
      }
      const lots = await lotsOfTrade(deps.db, userId, trade.id);
      if (lots.length === 0) {
        throw SimulationErrors.NOTHING_TO_SIMULATE({
          detail:
            'This sell closed nothing bought within the imported history, so there is no position to replay.',
        });
      }
      const [strongest] = (await tagsOfTrades(deps.db, [trade.id])).get(trade.id) ?? [];
      return {
        tradeId: trade.id,
        symbol: trade.symbol,
        lots,
        tradeLabel: (strongest?.label as BiasLabel | undefined) ?? null,
      };
    }
    const symbol = request.symbol!;
    const lots = await lotsOfSymbol(deps.db, userId, symbol);
    if (lots.length === 0)
      throw SimulationErrors.NOTHING_TO_SIMULATE({ detail: `You have no positions in ${symbol}.` });
    return { tradeId: null, symbol, lots, tradeLabel: null };
  }

  const compute = (userId: string, request: ParsedRequest, scope: SimulationScope) =>
    computeSimulation({ db: deps.db, marketData: deps.marketData, now }, userId, scope, request);

  return {
    async simulate(userId, body) {
      const request = parseOrThrow(SimulationRequestSchema, body, 'body');
      const key = cacheKey(request, await dataVersion(deps.db, userId));
      const fresh = await findByKey(deps.db, userId, key, new Date(now().getTime() - SIMULATION_TTL_MS));
      if (fresh?.status === 'done') return done(fresh, true);
      if (fresh && fresh.status !== 'failed') return accepted(fresh);

      const scope = await resolveScope(userId, request);
      const stored = { userId, cacheKey: key, request, error: null };
      if (scope.tradeId === null && scope.lots.length > syncLotLimit) {
        const row = await saveSimulation(deps.db, { ...stored, status: 'queued', result: null });
        await deps.jobs.enqueue(deps.simulateJob(), { simulationId: row.id }, { jobId: `sim-${row.id}` });
        return accepted(row);
      }
      const result = await compute(userId, request, scope);
      const row = await saveSimulation(deps.db, { ...stored, status: 'done', result });
      await purgeSimulations(deps.db, userId, new Date(now().getTime() - SIMULATION_TTL_MS));
      return done(row, false);
    },

    async get(userId, simulationId) {
      const row = z.uuid().safeParse(simulationId).success
        ? await getSimulation(deps.db, userId, simulationId)
        : null;
      if (!row) throw SimulationErrors.NOT_FOUND();
      if (row.status === 'done') return done(row, true);
      if (row.status !== 'failed') return accepted(row);
      const problem = row.error as Problem;
      throw new AppError(problem.code ?? 'SIMULATIONS.FAILED', problem.status, problem.title, {
        ...(problem.detail ? { detail: problem.detail } : {}),
        ...(problem.errors ? { errors: problem.errors } : {}),
      });
    },

    async runQueued(simulationId, finalAttempt) {
      const row = await getSimulationById(deps.db, simulationId);
      if (!row || row.status === 'done') return;
      await updateSimulation(deps.db, row.id, { status: 'running' });
      try {
        const request = SimulationRequestSchema.parse(row.request);
        const result = await compute(row.userId, request, await resolveScope(row.userId, request));
        await updateSimulation(deps.db, row.id, { status: 'done', result, error: null });
      } catch (error) {
        if (error instanceof AppError && error.status < 500) {
          await updateSimulation(deps.db, row.id, { status: 'failed', error: toProblem(error) });
          return;
        }
        if (finalAttempt)
          await updateSimulation(deps.db, row.id, {
            status: 'failed',
            error: toProblem(SimulationErrors.FAILED()),
          });
        throw error;
      }
    },
  };
}
