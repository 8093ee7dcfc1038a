import { createHash } from 'node:crypto';
import type { Logger } from '../../logger';

/** Whether a password is known from breaches. */
export interface BreachCheck {
  isBreached(password: string): Promise<boolean>;
}

export interface HibpOptions {
  logger: Logger;
  /** Replaced in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Default `https://api.pwnedpasswords.com`. */
  baseUrl?: string;
  /** A slow answer counts as no answer (default 1500 ms). */
  timeoutMs?: number;
}

/**
 * Have I Been Pwned's k-anonymity range API: only the first five hex digits of the SHA-1 leave
 * the server, with padding so the answer size says nothing either. Fails open (the offline list
 * and strength check still apply) and logs, so an outage there never blocks a signup here.
 */
export function createHibpBreachCheck(options: HibpOptions): BreachCheck {
  const doFetch = options.fetch ?? fetch;
  const baseUrl = (options.baseUrl ?? 'https://api.pwnedpasswords.com').replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 1500;
  return {
    async isBreached(password) {
      const digest = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
      const prefix = digest.slice(0, 5);
      const suffix = digest.slice(5);
      try {
        const response = await doFetch(`${baseUrl}/range/${prefix}`, {
          headers: { 'add-padding': 'true', 'user-agent': 'trading-twin' },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = await response.text();
        return body.split('\n').some((line) => {
          const [candidate, count] = line.trim().split(':');
          return candidate === suffix && Number(count) > 0;
        });
      } catch (error) {
        options.logger.warn(
          { err: { message: (error as Error).message } },
          'breach check unavailable; allowed',
        );
        return false;
      }
    },
  };
}
