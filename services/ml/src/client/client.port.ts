import type {
  BiasScoreBatchRequest,
  BiasScoreBatchResponse,
  BiasScoreRequest,
  BiasScoreResponse,
  IndicatorBatchRequest,
  IndicatorBatchResponse,
  IndicatorFeatures,
  IndicatorRequest,
  ReflectRequest,
  ReflectResponse,
} from '@tt/shared';

/**
 * The port the BFF uses: the same operations in-process (embedded mode) or over signed HTTP
 * (scaled mode). Invalid requests reject with the same AppError (`HTTP.VALIDATION`, 400) either way.
 */
export interface MlClient {
  indicators(request: IndicatorRequest): Promise<IndicatorFeatures>;
  indicatorsBatch(request: IndicatorBatchRequest): Promise<IndicatorBatchResponse>;
  scoreBias(request: BiasScoreRequest): Promise<BiasScoreResponse>;
  scoreBiasBatch(request: BiasScoreBatchRequest): Promise<BiasScoreBatchResponse>;
  reflect(request: ReflectRequest): Promise<ReflectResponse>;
  /** Resolves when the service can answer (for `/readyz`); rejects with ML.UNAVAILABLE otherwise. */
  ping(): Promise<void>;
}
