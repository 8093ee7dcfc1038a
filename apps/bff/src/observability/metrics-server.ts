import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  /**
   * Readiness of this process for `GET /readyz` on the metrics listener: the worker role has no
   * other listener, so its probes land here. Rejects (with a message naming the failing part)
   * when not ready. Without it, `/readyz` answers as `/healthz` does.
   */
  ready?: () => Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Prometheus scrapes a second listener, so /metrics is never exposed on the public port. It also
 * answers `/healthz` (the process is alive) and `/readyz`, for processes without an HTTP port.
 */
export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
  options: MetricsServerOptions = {},
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (path === '/metrics') {
      registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(500).end();
        });
      return;
    }
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      (options.ready ?? (async () => undefined))().then(
        () => json(res, 200, { status: 'ok' }),
        (error: unknown) => json(res, 503, { status: 'unavailable', error: (error as Error).message }),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
