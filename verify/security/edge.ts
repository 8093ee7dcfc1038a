import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ROOT, waitFor } from '../lib/processes';
import type { ObservedResponse } from './observatory/observatory';

/**
 * The production edge, run for real: `infra/Caddyfile`'s site block (HTTPS, HTTP→HTTPS redirect,
 * HSTS, the reverse proxy to the BFF) with local ports, bound to 127.0.0.1, and Caddy's own local
 * CA instead of ACME, whose root this client trusts. What the Observatory would see on the
 * Internet, it sees here.
 */
export interface Edge {
  httpBase: string;
  httpsBase: string;
  hostname: string;
  fetch(
    url: string,
    options?: { method?: string; headers?: Record<string, string> },
  ): Promise<ObservedResponse>;
  close(): Promise<void>;
}

export function caddyAvailable(): boolean {
  try {
    execSync('caddy version', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The Caddyfile's site block(s): everything after the global options block. */
export function siteBlocks(caddyfile: string): string {
  const lines = caddyfile.split('\n');
  const start = lines.findIndex((l) => l.trim() === '{');
  if (start === -1) return caddyfile;
  const end = lines.findIndex((l, i) => i > start && l.trim() === '}');
  return lines.slice(end + 1).join('\n');
}

/** True when nothing listens on 127.0.0.1:`port`. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The standard ports: Caddy's HTTP→HTTPS redirect names no port, so the edge must own 80 and 443 (on 127.0.0.1 only). */
export const edgePortsFree = async () => (await portFree(80)) && (await portFree(443));

export async function startEdge(upstream: string): Promise<Edge> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-verify-edge-'));
  const site = siteBlocks(readFileSync(join(ROOT, 'infra/Caddyfile'), 'utf8'));
  const config = [
    '{',
    '\tdefault_bind 127.0.0.1',
    '\tlocal_certs',
    '\tskip_install_trust',
    '\tadmin off',
    '}',
    site,
  ].join('\n');
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, config);
  const child: ChildProcess = spawn('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], {
    env: {
      ...process.env,
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      HOME: dir,
      SITE_ADDRESS: 'localhost',
      BFF_UPSTREAMS: new URL(upstream).host,
      ACME_EMAIL: 'security@example.com',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const rootCert = join(dir, 'data/caddy/pki/authorities/local/root.crt');
  const httpsBase = 'https://localhost';
  let ca: string | undefined;
  const fetchVia = (url: string, options: { method?: string; headers?: Record<string, string> } = {}) =>
    observe(url, options, ca);
  try {
    await waitFor(
      'Caddy to serve HTTPS with its local CA',
      async () => {
        ca = readFileSync(rootCert, 'utf8');
        return (await fetchVia(`${httpsBase}/healthz`)).status === 200;
      },
      60_000,
      200,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; caddy said: ${stderr}`);
  }
  return {
    httpBase: 'http://localhost',
    httpsBase,
    hostname: 'localhost',
    fetch: fetchVia,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const stubborn = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(stubborn);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One request, no redirect followed; `verified` is true only for TLS that this client's CA list accepted. */
export function observe(
  url: string,
  options: { method?: string; headers?: Record<string, string> },
  ca: string | undefined,
): Promise<ObservedResponse> {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: {
          accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
          ...options.headers,
        },
        ...(https ? { ca, servername: target.hostname, rejectUnauthorized: true } : {}),
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Map<string, string[]>();
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]!.toLowerCase();
            headers.set(name, [...(headers.get(name) ?? []), res.rawHeaders[i + 1]!]);
          }
          resolve({
            url: target,
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString('utf8'),
            verified: true,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Follows redirects from `start`, recording every hop (the first included), as the Observatory's session does. */
export async function follow(edge: Edge, start: string, max = 10) {
  const hops: { url: URL; status: number }[] = [];
  let url = start;
  let response: ObservedResponse | null = null;
  for (let i = 0; i < max; i++) {
    response = await edge.fetch(url);
    hops.push({ url: new URL(url), status: response.status });
    const location = response.headers.get('location')?.[0];
    if (response.status < 300 || response.status >= 400 || !location) break;
    url = new URL(location, url).toString();
  }
  return { hops, response };
}
