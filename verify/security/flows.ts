import { randomBytes } from 'node:crypto';
import { mutationHeaders, type TestClient } from '../../apps/bff/src/modules/auth/auth.test-support';
import type { RunningSandbox } from '../../apps/bff/src/test-support/sandbox-broker';

/**
 * Connects Binance with a read-only sandbox API key (registered at the exchange first, as a trader
 * creates it there); the secret is what the scans look for.
 */
export async function connectBinance(
  sandbox: RunningSandbox,
  client: TestClient,
  apiSecret: string,
): Promise<void> {
  const apiKey = `verify-read-only-${randomBytes(6).toString('hex')}`;
  sandbox.binanceKeys.register(apiKey, apiSecret);
  const res = await client.request({
    method: 'POST',
    url: '/api/brokers/binance/connect/start',
    headers: await mutationHeaders(client),
    payload: { apiKey, apiSecret },
  });
  if (res.statusCode !== 200) throw new Error(`binance connect answered ${res.statusCode}: ${res.body}`);
}
