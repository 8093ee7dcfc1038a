import type { AuditMeta } from '@tt/shared';

/**
 * Keys that may name a secret or personal data; such a key is dropped from audit metadata
 * whatever its value (blueprint §12: coarse metadata, redaction of sensitive values).
 */
const DENIED_KEY =
  /pass(word|phrase)?|secret|token|cookie|authori[sz]ation|api[-_]?key|signature|credential|otp|verifier|mnemonic|seed|private|hash|^ip$|ip[-_]?addr|user[-_]?agent|email|code$/i;

/** Values shaped like credentials are dropped even under an innocent key. */
const SECRET_VALUE = /^(sbx_(at|rt|sk)_|bearer\s|basic\s|eyJ[A-Za-z0-9_-]{10,}\.)/i;

const MAX_KEYS = 20;
const MAX_STRING = 200;

export interface SanitizedMeta {
  meta: AuditMeta;
  /** Keys that were dropped, for a warning: a caller tried to log something it must not. */
  dropped: string[];
}

/** Flat scalars only, long strings cut, denied keys and credential-shaped values dropped. */
export function sanitizeAuditMeta(input: Record<string, unknown>): SanitizedMeta {
  const meta: AuditMeta = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    if (DENIED_KEY.test(key) || !scalar || Object.keys(meta).length >= MAX_KEYS) {
      dropped.push(key);
      continue;
    }
    if (typeof value === 'string') {
      if (SECRET_VALUE.test(value.trim())) {
        dropped.push(key);
        continue;
      }
      meta[key] = value.slice(0, MAX_STRING);
    } else if (typeof value === 'number') {
      if (Number.isFinite(value)) meta[key] = value;
      else dropped.push(key);
    } else {
      meta[key] = value as boolean | null;
    }
  }
  return { meta, dropped };
}
