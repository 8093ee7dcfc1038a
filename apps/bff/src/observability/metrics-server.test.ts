import { afterEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { startMetricsServer } from './metrics-server';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function start(ready?: () => Promise<void>): Promise<string> {
  const registry = new Registry();
  new Counter({ name: 'probe_total', help: 'a test series', registers: [registry] }).inc(3);
  server = await startMetricsServer(registry, '127.0.0.1', 0, ready ? { ready } : {});
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('startMetricsServer', () => {
  it('serves the registry on /metrics, liveness on /healthz and nothing else', async () => {
    const base = await start();
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('probe_total 3');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/api/trades`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers /readyz with 503 naming the failing part until the process is ready', async () => {
    let failing: string | undefined = 'queue: connection refused';
    const base = await start(async () => {
      if (failing) throw new Error(failing);
    });
    const down = await fetch(`${base}/readyz`);
    expect([down.status, await down.json()]).toEqual([
      503,
      { status: 'unavailable', error: 'queue: connection refused' },
    ]);
    failing = undefined;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
