import { createHmac } from 'node:crypto';
import type { AppError } from '@tt/shared';
import { joinUrl } from '../core/url';
import { BrokerErrors } from '../errors';
import { type BrokerHttp, BrokerResponseError, type SendSpec } from '../http/broker-http';
import type { AdapterEventListener } from '../http/http.types';
import { mapTransientFailure } from '../http/map-failure';
import type { ApiKeyCredentials, CredentialProvider } from '../types';
import { BinanceErrorBodySchema, BinanceTimeSchema } from './binance.schemas';
import { WeightGovernor } from './weight-governor';

export interface BinanceClientConfig {
  /** `https://api.binance.com` for the real exchange. */
  apiBaseUrl: string;
  /** `recvWindow` for signed calls. Default 5000 ms (Binance allows up to 60 000). */
  recvWindowMs?: number;
}

type Params = Record<string, string | number | undefined>;

/** HMAC-SHA256 of the exact query string, hex, as Binance's SIGNED endpoints expect. */
export function signQuery(query: string, secret: string): string {
  return createHmac('sha256', secret).update(query).digest('hex');
}

/** Re-read the server clock at least this often. */
const CLOCK_MAX_AGE_MS = 30 * 60_000;

/**
 * Binance transport: signing (`X-MBX-APIKEY`, `timestamp`, `recvWindow`, `signature`), a clock
 * corrected from `/api/v3/time` and re-synced on -1021, request weight governed from
 * `X-MBX-USED-WEIGHT-1M`, and Binance error codes mapped to BROKER.* errors.
 */
export class BinanceClient {
  readonly governor: WeightGovernor;
  private offsetMs = 0;
  private syncedAt: number | undefined;

  constructor(
    readonly http: BrokerHttp,
    private readonly config: BinanceClientConfig,
    onEvent: AdapterEventListener | undefined,
  ) {
    this.governor = new WeightGovernor({ now: () => this.serverNow(), sleep: http.sleep, onEvent });
  }

  serverNow(): number {
    return this.http.clock.now() + this.offsetMs;
  }

  async publicGet(operation: string, path: string, params: Params, weight: number): Promise<unknown> {
    await this.governor.reserve(weight);
    return this.call(operation, () => ({ url: this.url(path, params).toString() }));
  }

  async signedGet(
    operation: string,
    path: string,
    params: Params,
    credentials: CredentialProvider<ApiKeyCredentials>,
    weight: number,
  ): Promise<unknown> {
    await this.syncClock(false);
    await this.governor.reserve(weight);
    const attempt = () =>
      this.call(operation, async () => {
        const { apiKey, apiSecret } = await credentials.get();
        const url = this.url(path, {
          ...params,
          recvWindow: this.config.recvWindowMs ?? 5000,
          timestamp: this.serverNow(),
        });
        const signature = signQuery(url.searchParams.toString(), apiSecret);
        url.searchParams.append('signature', signature);
        return {
          url: url.toString(),
          headers: { 'X-MBX-APIKEY': apiKey },
          secrets: [apiKey, apiSecret, signature],
        };
      });
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ClockSkewError)) throw error;
      await this.syncClock(true);
      try {
        return await attempt();
      } catch (again) {
        if (!(again instanceof ClockSkewError)) throw again;
        this.http.emitError(operation, 'BROKER.UNAVAILABLE');
        throw BrokerErrors.UNAVAILABLE({
          detail: 'Binance rejected our request time even after re-syncing the clock. Try again shortly.',
        });
      }
    }
  }

  /** Measures the offset to Binance's clock (midpoint of the round trip) when stale or forced. */
  async syncClock(force: boolean): Promise<void> {
    const now = this.http.clock.now();
    if (!force && this.syncedAt !== undefined && now - this.syncedAt < CLOCK_MAX_AGE_MS) return;
    await this.governor.reserve(1);
    const before = this.http.clock.now();
    const body = await this.call('time', () => ({ url: this.url('/api/v3/time', {}).toString() }));
    const after = this.http.clock.now();
    const parsed = BinanceTimeSchema.safeParse(body);
    if (!parsed.success) throw this.badResponse('time');
    this.offsetMs = parsed.data.serverTime - Math.round((before + after) / 2);
    this.syncedAt = after;
  }

  badResponse(operation: string, what = 'a response'): AppError {
    this.http.emitError(operation, 'BROKER.BAD_RESPONSE');
    return BrokerErrors.BAD_RESPONSE({ detail: `Binance sent ${what} we could not read.` });
  }

  private url(path: string, params: Params): URL {
    const url = joinUrl(this.config.apiBaseUrl, path);
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private async call(operation: string, prepare: SendSpec['prepare']): Promise<unknown> {
    try {
      const response = await this.http.send({ operation, prepare });
      this.governor.observe(response.headers);
      return response.body;
    } catch (error) {
      if (!(error instanceof BrokerResponseError)) throw error;
      this.governor.observe(error.headers);
      const code = BinanceErrorBodySchema.safeParse(error.body).data?.code;
      if (code === -1021) throw new ClockSkewError();
      const mapped = mapTransientFailure(this.http, error) ?? mapBinanceFailure(error.status, code);
      this.http.emitError(operation, mapped.code);
      throw mapped;
    }
  }
}

class ClockSkewError extends Error {
  constructor() {
    super('Binance -1021: timestamp outside recvWindow');
    this.name = 'ClockSkewError';
  }
}

function mapBinanceFailure(status: number, code: number | undefined): AppError {
  switch (code) {
    case -2015:
    case -2014:
    case -2008:
    case -1002:
      return BrokerErrors.INVALID_KEY({
        detail: `Binance rejected the API key (${code}). Check the key, its IP restriction, and that reading is enabled.`,
      });
    case -1022:
      return BrokerErrors.INVALID_KEY({
        detail: 'Binance rejected the request signature (-1022): the secret does not belong to this API key.',
      });
    case -1121:
      return BrokerErrors.UNKNOWN_SYMBOL({ detail: 'Binance does not list this symbol (-1121).' });
    case -1003:
      return BrokerErrors.RATE_LIMITED({ detail: 'Binance asked us to slow down (-1003).' });
    default:
      return BrokerErrors.REQUEST_REJECTED({
        detail: `Binance refused a request (HTTP ${status}${code === undefined ? '' : `, code ${code}`}).`,
      });
  }
}
