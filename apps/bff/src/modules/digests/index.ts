export { createDigestsService, digestJobId, type DigestsService } from './digests.service';
export { buildDigestJob, type DigestJobPayload } from './build-digest.job';
export { digestsRoutes } from './digests.routes';
export { dueWeek, lastFullWeek, weekStarting, type LocalWeek } from './local-week';
