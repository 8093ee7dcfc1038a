import {
  BiasScoreBatchRequestSchema,
  BiasScoreRequestSchema,
  IndicatorBatchRequestSchema,
  IndicatorRequestSchema,
  ReflectRequestSchema,
  parseOrThrow,
} from '@tt/shared';
import { scoreBias, scoreBiasBatch } from '../bias/bias.score';
import { computeIndicators, computeIndicatorsBatch } from '../indicators/indicators.service';
import type { LlmOptions } from '../reflect/reflect.llm';
import { createReflector, type ReflectorOptions } from '../reflect/reflect.service';
import type { MlClient } from './client.port';

export interface InProcessMlClientOptions {
  /** OpenAI-compatible endpoint for reflections; the offline coach answers without it. */
  llm?: LlmOptions;
  /** Where failed LLM attempts are reported. */
  logger?: ReflectorOptions['logger'];
  /** Called when the offline coach answers instead of the configured LLM. */
  onLlmFallback?: ReflectorOptions['onLlmFallback'];
}

/**
 * The ML operations as plain calls: every request is validated with its wire contract first,
 * so in-process callers meet exactly the rules HTTP callers do. The HTTP routes delegate here.
 */
export function createInProcessMlClient(options: InProcessMlClientOptions = {}): MlClient {
  const reflector = createReflector(options);
  return {
    indicators: async (request) => computeIndicators(parseOrThrow(IndicatorRequestSchema, request, 'body')),
    indicatorsBatch: async (request) =>
      computeIndicatorsBatch(parseOrThrow(IndicatorBatchRequestSchema, request, 'body')),
    scoreBias: async (request) => scoreBias(parseOrThrow(BiasScoreRequestSchema, request, 'body')),
    scoreBiasBatch: async (request) =>
      scoreBiasBatch(parseOrThrow(BiasScoreBatchRequestSchema, request, 'body')),
    reflect: (request) => reflector.reflect(parseOrThrow(ReflectRequestSchema, request, 'body')),
    ping: async () => undefined,
  };
}
