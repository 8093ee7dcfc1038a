import { createHash } from 'node:crypto';
import type { ReflectRequest } from '@tt/shared';

/** JSON with sorted keys and without null/undefined members: equal meaning, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v != null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of (features, label, tone): the cache key and the offline coach's template seed. */
export function reflectionDigest(request: ReflectRequest): Buffer {
  return createHash('sha256')
    .update(canonicalJson({ features: request.features, label: request.label, tone: request.tone }))
    .digest();
}
