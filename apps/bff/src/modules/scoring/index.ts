export { scoreTradesJob, ScoreJobPayloadSchema, type ScoreJobPayload } from './score-trades.job';
