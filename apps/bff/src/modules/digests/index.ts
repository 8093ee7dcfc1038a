export { createDigestsService, type DigestsService } from './digests.service';
export { buildDigestJob, type DigestJobPayload } from './build-digest.job';
export { digestsRoutes } from './digests.routes';
export { weekStarting, type LocalWeek } from './local-week';
