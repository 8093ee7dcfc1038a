export {
  computeIndicators,
  computeIndicatorsBatch,
  buildIndicatorTable,
  featuresAt,
  INDICATOR_PERIODS,
} from './indicators/indicators.service';
export type { IndicatorTable } from './indicators/indicators.service';
export {
  asOfIndexSeries,
  atrWilderSeries,
  bollingerPositionSeries,
  rollingMaxSeries,
  rsiWilderSeries,
  smaSeries,
} from './indicators/indicators.kernels';
export { toCandleSeries, lastClosedIndex } from './indicators/indicators.series';
export type { CandleSeries } from './indicators/indicators.series';
export { scoreBias, scoreBiasBatch } from './bias/bias.score';
export { resolveThresholds } from './bias/bias.thresholds';
export type { Threshold, Thresholds } from './bias/bias.thresholds';
export { offlineReflection } from './reflect/reflect.offline';
export { reflectionProblems } from './reflect/reflect.guardrails';
export { createReflector } from './reflect/reflect.service';
export type { LlmFallbackReason, Reflector, ReflectorOptions } from './reflect/reflect.service';
export { COACH_SYSTEM_PROMPT, DEFAULT_LLM_TIMEOUT_MS, featureSummary } from './reflect/reflect.llm';
export type { LlmOptions } from './reflect/reflect.llm';
export {
  MAX_CLOCK_SKEW_MS,
  SIGNATURE_HEADERS,
  sha256Hex,
  signRequest,
  signingString,
  verifySignature,
} from './auth/auth.signing';
export type { SignRequestOptions, SignatureHeaders, SignedParts } from './auth/auth.signing';
export { createMemoryNonceStore, createRedisNonceStore } from './auth/auth.nonce-store';
export type { MemoryNonceStoreOptions, NonceStore, RedisNonceStoreOptions } from './auth/auth.nonce-store';
export { MlErrors } from './ml.errors';
export { createMlApp, DEFAULT_BODY_LIMIT_BYTES, MIN_HMAC_SECRET_LENGTH } from './http/ml.app';
export type { MlAppOptions } from './http/ml.app';
export type { MlClient } from './client/client.port';
export { createInProcessMlClient } from './client/client.in-process';
export type { InProcessMlClientOptions } from './client/client.in-process';
export { createHttpMlClient } from './client/client.http';
export type { HttpMlClientOptions } from './client/client.http';
export { ConfigError, loadMlConfig } from './config';
export type { MlConfig } from './config';
