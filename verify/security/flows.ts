import { randomBytes } from 'node:crypto';
import { mutationHeaders, type TestClient } from '../../apps/bff/src/modules/auth/auth.test-support';

/** Connects Binance with a read-only sandbox API key; the secret is what the scans look for. */
export async function connectBinance(client: TestClient, apiSecret: string): Promise<void> {
  const res = await client.request({
    method: 'POST',
    url: '/api/brokers/binance/connect/start',
    headers: await mutationHeaders(client),
    payload: { apiKey: `verify-read-only-${randomBytes(6).toString('hex')}`, apiSecret },
  });
  if (res.statusCode !== 200) throw new Error(`binance connect answered ${res.statusCode}: ${res.body}`);
}
