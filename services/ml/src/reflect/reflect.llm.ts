import {
  ReflectResponseSchema,
  type BiasFeatures,
  type ReflectRequest,
  type ReflectResponse,
} from '@tt/shared';
import { reflectionProblems } from './reflect.guardrails';

/** How the service reaches an OpenAI-compatible chat completions API. */
export interface LlmOptions {
  /** API base up to the version segment (`https://api.openai.com/v1`); `/chat/completions` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when set. */
  apiKey?: string;
  model: string;
  /** Limit per attempt, answer included; a timeout counts as a failed attempt. Default 5000. */
  timeoutMs?: number;
  /** Reflections kept in the in-memory LRU cache. Default 1000. */
  cacheSize?: number;
  /** Failed reflections in a row after which the LLM is not asked for `breakerCooldownMs`. Default 5. */
  breakerThreshold?: number;
  /** Default 60000. */
  breakerCooldownMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Clock for the breaker. Default: Date.now. */
  now?: () => number;
}

export const DEFAULT_LLM_TIMEOUT_MS = 5_000;

/** Blueprint §9, plus the JSON shape and the guardrails the answer is checked against. */
export const COACH_SYSTEM_PROMPT = [
  'You are a trading psychology coach. Do not give financial advice. Focus on behavior. Keep outputs 2 sentences, 1 concrete habit.',
  'Reply with one JSON object only: {"text": string, "tone": "supportive"|"strict", "bias": string}, echoing the tone and bias you are given.',
  'In "text", sentence 1 says what the trader did, with the numbers given; sentence 2 is one concrete habit for next time.',
  'Never tell the trader to buy, sell or hold anything, never mention price levels or targets, never promise profits or outcomes.',
].join('\n');

/** A failed attempt, with a short reason for the log (never the prompt or the answer). */
export class LlmFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'LlmFailure';
  }
}

const SUMMARY_KEYS: readonly (keyof BiasFeatures)[] = [
  'side',
  'symbol',
  'pct_change_1h_before',
  'pct_change_24h_before',
  'RSI_14',
  'ATR_rel',
  'BB_pos',
  'gap_from_MA',
  'drawdown_recent',
  'held_hours',
  'planned_hold_hours',
  'pnl_exit',
  'stop_loss_hit',
  'minutes_since_last_losing_exit',
  'last_losing_exit_pnl',
  'size_vs_prev_entry',
  'trades_today',
  'median_trades_per_day',
  'pct_above_support',
];

/**
 * What the LLM may see: the known features, rounded to 4 significant digits. Only the listed
 * keys pass, so no id, token or money amount (`pnl_exit_quote`) ever leaves the service.
 */
export function featureSummary(features: BiasFeatures): Record<string, string | number | boolean> {
  const summary: Record<string, string | number | boolean> = {};
  for (const key of SUMMARY_KEYS) {
    const value = features[key];
    if (value == null) continue;
    summary[key] = typeof value === 'number' ? Number(value.toPrecision(4)) : value;
  }
  return summary;
}

function chatBody(model: string, request: ReflectRequest): string {
  const facts = { bias: request.label, tone: request.tone, trade: featureSummary(request.features) };
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: COACH_SYSTEM_PROMPT },
      { role: 'user', content: JSON.stringify(facts) },
    ],
    response_format: { type: 'json_object' },
    temperature: 0.4,
    max_tokens: 200,
  });
}

function parseAnswer(payload: unknown, request: ReflectRequest): ReflectResponse {
  const content = (payload as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]
    ?.message?.content;
  if (typeof content !== 'string') throw new LlmFailure('no message content');
  let answer: unknown;
  try {
    answer = JSON.parse(content);
  } catch {
    throw new LlmFailure('content is not JSON');
  }
  const parsed = ReflectResponseSchema.safeParse(answer);
  if (!parsed.success) throw new LlmFailure('JSON is not {text, tone, bias}');
  if (parsed.data.tone !== request.tone || parsed.data.bias !== request.label) {
    throw new LlmFailure('tone or bias does not echo the request');
  }
  const problems = reflectionProblems(parsed.data.text);
  if (problems.length > 0) throw new LlmFailure(`guardrails: ${problems.join('; ')}`);
  return { text: parsed.data.text.trim(), tone: request.tone, bias: request.label };
}

/** One attempt at `POST {baseUrl}/chat/completions`; throws LlmFailure on any problem. */
export async function requestLlmReflection(
  options: LlmOptions,
  request: ReflectRequest,
): Promise<ReflectResponse> {
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let payload: unknown;
  try {
    const response = await doFetch(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers,
      body: chatBody(options.model, request),
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new LlmFailure(`HTTP ${response.status}`);
    }
    payload = await response.json();
  } catch (error) {
    if (error instanceof LlmFailure) throw error;
    const name = (error as { name?: string }).name;
    throw new LlmFailure(
      name === 'TimeoutError' || name === 'AbortError'
        ? 'timeout'
        : name === 'SyntaxError'
          ? 'body is not JSON'
          : 'unreachable',
    );
  }
  return parseAnswer(payload, request);
}
