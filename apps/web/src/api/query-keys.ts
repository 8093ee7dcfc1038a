import type { TradeFilters } from '../lib/trade-filters';

/** Every cache key in one place, so live events invalidate exactly what they change. */
export const queryKeys = {
  me: ['me'] as const,
  sessions: ['sessions'] as const,
  audit: ['audit'] as const,
  brokers: ['brokers'] as const,
  imports: ['imports'] as const,
  importRun: (id: string) => ['imports', id] as const,
  trades: ['trades'] as const,
  tradeList: (filters: TradeFilters) => ['trades', 'list', filters] as const,
  trade: (id: string) => ['trades', 'detail', id] as const,
  rules: ['rules'] as const,
  digests: ['digests'] as const,
  latestDigest: ['digests', 'latest'] as const,
};
