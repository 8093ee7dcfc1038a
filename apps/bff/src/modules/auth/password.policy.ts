import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, normalizePassword, passwordLength } from '@tt/shared';
import { AuthErrors } from './auth.errors';
import type { BreachCheck } from './breach-check';

/** Decides whether a new password may be used; throws `AUTH.PASSWORD_REJECTED` naming why. */
export interface PasswordPolicy {
  assertAcceptable(password: string, context: { email: string }): Promise<void>;
}

export interface PasswordPolicyOptions {
  /** Have I Been Pwned, when `HIBP_ENABLED=1`. */
  breachCheck?: BreachCheck | undefined;
  /** Lowest zxcvbn score accepted (default 3: more than 10^8 guesses). */
  minScore?: number;
}

// The ~49,000 most common passwords of breach corpora, as zxcvbn-ts ships them (offline, no install script).
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
const SERVICE_WORDS = ['trading', 'twin', 'tradingtwin', 'trading twin', 'crypto', 'bitcoin'];

let estimator: ZxcvbnFactory | undefined;
const strength = () =>
  (estimator ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs }));

function rejected(message: string) {
  return AuthErrors.PASSWORD_REJECTED({ detail: message, errors: [{ field: 'body.password', message }] });
}

/**
 * NIST SP 800-63B §5.1.1.2: 12–128 characters of any kind (NFKC-normalised, counted in code points),
 * no composition rules, refused when common, breached, guessable from its patterns (zxcvbn) or
 * built from the account's own email or the service's name.
 */
export function createPasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  const minScore = options.minScore ?? 3;
  return {
    async assertAcceptable(password, context) {
      const normalized = normalizePassword(password);
      const length = passwordLength(normalized);
      if (length < PASSWORD_MIN_LENGTH) throw rejected(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
      if (length > PASSWORD_MAX_LENGTH) throw rejected(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
      if (COMMON.has(normalized.toLowerCase()))
        throw rejected('This password is on a list of commonly used passwords.');
      const localPart = context.email.split('@')[0] ?? '';
      const result = await strength().check(normalized, [context.email, localPart, ...SERVICE_WORDS]);
      if (result.score < minScore) {
        throw rejected(
          'This password is too easy to guess: avoid common words, names, dates and keyboard patterns.',
        );
      }
      if (options.breachCheck && (await options.breachCheck.isBreached(normalized))) {
        throw rejected('This password has appeared in a data breach.');
      }
    },
  };
}
