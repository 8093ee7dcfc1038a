import { startSandbox } from '@tt/broker-sandbox';
import { createAdapters } from '../create-adapters';
import type { AdapterEvent } from '../http/http.types';
import type { ApiKeyCredentials, CredentialProvider, OAuthTokens } from '../types';
import { createCapturedLogger } from './fake-fetch';
import { sandboxAdaptersConfig } from './sandbox-oauth';

const DAY = 86_400_000;

/**
 * A sandbox on a free port and adapters pointed at it over real HTTP. Sleeps are recorded, not
 * slept, so Retry-After can be checked without waiting; logs are captured for scanning.
 */
export async function startSandboxSession(seed: number) {
  const sandbox = await startSandbox({ port: 0, seed });
  const events: AdapterEvent[] = [];
  const sleeps: number[] = [];
  const captured = createCapturedLogger();
  const adapters = createAdapters({
    ...sandboxAdaptersConfig(sandbox.url),
    http: { sleep: async (ms) => void sleeps.push(ms), breakerThreshold: 1000 },
    logger: captured.logger,
    onEvent: (e) => events.push(e),
  });

  /** Creates a sandbox Binance key (its name decides its permissions) and a provider for it. */
  const registerKey = async (
    apiKey: string,
    secret: string,
  ): Promise<CredentialProvider<ApiKeyCredentials>> => {
    const res = await fetch(`${sandbox.url}/__sandbox/binance/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey, secret }),
    });
    await res.text();
    if (res.status >= 300) throw new Error(`key registration answered ${res.status}`);
    return { get: async () => ({ apiKey, apiSecret: secret }) };
  };

  return { sandbox, adapters, events, sleeps, captured, registerKey };
}

export const fixedTokens = (tokens: OAuthTokens): CredentialProvider<OAuthTokens> => ({
  get: async () => tokens,
});

/** The 30 days up to now, the import window. */
export function last30Days() {
  const until = new Date();
  return { since: new Date(until.getTime() - 30 * DAY), until };
}
