import type { ImportDto, ImportPhase, ImportProgress, ImportStatus } from '@tt/shared';
import type { ImportRun } from './import-runs.repository';

export function toProgress(run: ImportRun, toScore: number | null = null): ImportProgress {
  return {
    importId: run.id,
    status: run.status as ImportStatus,
    phase: run.phase as ImportPhase,
    fetched: run.fetched,
    inserted: run.inserted,
    duplicates: run.duplicates,
    scored: run.scored,
    toScore,
    ...(run.error ? { error: run.error } : {}),
  };
}

/** The `GET /api/imports/:id` shape (DESIGN §5a). */
export function toImportDto(run: ImportRun): ImportDto {
  return {
    id: run.id,
    jobId: run.jobId,
    kind: run.kind as ImportDto['kind'],
    status: run.status as ImportStatus,
    phase: run.phase as ImportPhase,
    fetched: run.fetched,
    inserted: run.inserted,
    duplicates: run.duplicates,
    scored: run.scored,
    since: run.since.toISOString(),
    until: run.until.toISOString(),
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    ...(run.error ? { error: run.error } : {}),
  };
}
