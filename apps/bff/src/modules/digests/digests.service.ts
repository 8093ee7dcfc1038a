import { z } from 'zod';
import type { CoachTone, DigestAccepted, DigestDto, DigestPayload, Page } from '@tt/shared';
import type { EnqueueResult, JobDefinition, JobQueue } from '../../infra/jobs';
import { page } from '../../lib/cursor';
import type { CoachEventsService } from '../coach-events';
import type { RulesService } from '../rules';
import { buildDigestPayload, type DigestBuilderDeps } from './digest-builder';
import { DigestErrors } from './digests.errors';
import {
  digestCandidates,
  digestExists,
  digestProfile,
  getDigest,
  listDigests,
  markDelivered,
  upsertDigest,
  type DigestRow,
} from './digests.repository';
import type { DigestJobPayload } from './build-digest.job';
import { dueWeek, lastFullWeek, safeTimeZone, weekStarting, type LocalWeek } from './local-week';

/** Users without a fill in this many days get no scheduled digest (an empty week is not news). */
export const SCHEDULE_ACTIVITY_DAYS = 15;

export interface DigestsService {
  /** `POST /api/digests/weekly`: queues the last full week's digest now; `digest.ready` follows. */
  requestWeekly(userId: string): Promise<DigestAccepted>;
  latest(userId: string): Promise<DigestDto>;
  get(userId: string, digestId: string): Promise<DigestDto>;
  list(userId: string, before: { ts: Date; id: string } | undefined, limit: number): Promise<Page<DigestDto>>;
  /**
   * The q_digest handler: builds and stores the week starting on `firstDay` (a local Monday),
   * re-runs personalisation, then pushes `digest.ready`. A scheduled run skips a week that already
   * has its digest.
   */
  build(job: DigestJobPayload): Promise<void>;
  /** For the scheduler: every active user whose due week has no digest yet, with that week. */
  due(now: Date): Promise<{ userId: string; week: LocalWeek }[]>;
  /** Queues a week's digest under its deterministic job id (`digest-<userId>-<firstDay>`). */
  enqueue(userId: string, week: LocalWeek, trigger: DigestJobPayload['trigger']): Promise<EnqueueResult>;
}

export interface DigestsServiceDeps extends DigestBuilderDeps {
  rules: DigestBuilderDeps['rules'] & Pick<RulesService, 'personalise'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  events: Pick<CoachEventsService, 'raise'>;
  digestJob: () => JobDefinition<DigestJobPayload>;
  now?: () => Date;
}

export function toDigestDto(row: DigestRow): DigestDto {
  return {
    id: row.id,
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    payload: row.payload as DigestPayload,
  };
}

export const digestJobId = (userId: string, week: LocalWeek) => `digest-${userId}-${week.firstDay}`;

export function createDigestsService(deps: DigestsServiceDeps): DigestsService {
  const now = deps.now ?? (() => new Date());
  const profileOf = async (userId: string) => {
    const profile = await digestProfile(deps.db, userId);
    return profile
      ? {
          timeZone: safeTimeZone(profile.timeZone),
          tone: (profile.tone === 'strict' ? 'strict' : 'supportive') as CoachTone,
        }
      : null;
  };

  /**
   * Personalisation runs once a week with the digest (not after every scoring: an import would
   * then be followed by a full re-score whenever a threshold moved). Nothing below 30 trades; a
   * failure costs the recalibration, not the digest.
   */
  const personaliseQuietly = async (userId: string) => {
    try {
      return await deps.rules.personalise(userId);
    } catch (err) {
      deps.logger.warn({ userId, err: { message: (err as Error).message } }, 'personalisation skipped');
      return [];
    }
  };

  const service: DigestsService = {
    async requestWeekly(userId) {
      const profile = await profileOf(userId);
      const week = lastFullWeek(now(), profile?.timeZone ?? 'UTC');
      const { jobId } = await service.enqueue(userId, week, 'request');
      return {
        jobId,
        periodStart: week.start.toISOString(),
        periodEnd: week.end.toISOString(),
        firstDay: week.firstDay,
        lastDay: week.lastDay,
      };
    },

    async latest(userId) {
      const [row] = await listDigests(deps.db, userId, undefined, 1);
      if (!row)
        throw DigestErrors.NOT_FOUND({
          detail: 'Your first weekly digest arrives on Monday morning, or build it now.',
        });
      return toDigestDto(row);
    },

    async get(userId, digestId) {
      const row = z.uuid().safeParse(digestId).success ? await getDigest(deps.db, userId, digestId) : null;
      if (!row) throw DigestErrors.NOT_FOUND({ detail: 'No digest of yours has this id.' });
      return toDigestDto(row);
    },

    async list(userId, before, limit) {
      const rows = await listDigests(deps.db, userId, before, limit);
      return page(rows, limit, (r) => ({ ts: r.periodStart, id: r.id }), toDigestDto);
    },

    async build({ userId, firstDay, trigger }) {
      const profile = await profileOf(userId);
      if (!profile) return;
      const week = weekStarting(firstDay, profile.timeZone);
      if (trigger === 'schedule' && (await digestExists(deps.db, userId, week.start))) return;
      const payload: DigestPayload = {
        ...(await buildDigestPayload(deps, userId, profile, week)),
        personalisedRules: await personaliseQuietly(userId),
      };
      const row = await upsertDigest(deps.db, {
        userId,
        periodStart: week.start,
        periodEnd: week.end,
        payload,
      });
      await deps.events.raise(userId, 'digest.ready', {
        digestId: row.id,
        periodStart: payload.periodStart,
        periodEnd: payload.periodEnd,
      });
      await markDelivered(deps.db, row.id, now());
    },

    async due(at) {
      const since = new Date(at.getTime() - SCHEDULE_ACTIVITY_DAYS * 86_400_000);
      const out: { userId: string; week: LocalWeek }[] = [];
      for (const candidate of await digestCandidates(deps.db, since)) {
        const week = dueWeek(at, safeTimeZone(candidate.timeZone));
        if (!candidate.latest || candidate.latest < week.start) out.push({ userId: candidate.userId, week });
      }
      return out;
    },

    enqueue: (userId, week, trigger) =>
      deps.jobs.enqueue(
        deps.digestJob(),
        { userId, firstDay: week.firstDay, trigger },
        { jobId: digestJobId(userId, week) },
      ),
  };
  return service;
}
