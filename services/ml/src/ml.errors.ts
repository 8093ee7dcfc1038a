import { defineErrors } from '@tt/shared';

/** The ML service's own problems; each auth failure has its own `type` so callers can tell them apart. */
export const MlErrors = defineErrors('ML', {
  AUTH_MISSING: [401, 'Signed request headers are missing or malformed'],
  CLOCK_SKEW: [401, 'The request timestamp is outside the allowed window'],
  NONCE_REUSED: [401, 'The request nonce has already been used'],
  BAD_SIGNATURE: [401, 'The request signature does not match'],
  BODY_TOO_LARGE: [413, 'The request body is too large'],
  UNAVAILABLE: [503, 'The ML service is unavailable'],
  BAD_RESPONSE: [502, 'The ML service gave an unexpected answer'],
});
