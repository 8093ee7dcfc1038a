import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Section } from '../lib/report';
import { WEB_ROOT } from './app-under-test';
import { caddyAvailable, edgePortsFree, follow, startEdge, type Edge } from './edge';
import { gradeCsp } from './observatory/csp';
import { hsts, scan, type ObservedResponse, type Retrieval } from './observatory/observatory';

const OBSERVATORY_ORIGIN = 'https://http-observatory.security.mozilla.org';

/** What the Observatory's retriever collects: HTTP and HTTPS sessions on `/`, robots.txt, a CORS preflight. */
async function retrieve(edge: Edge): Promise<Retrieval> {
  const http = await follow(edge, `${edge.httpBase}/`);
  const https = await follow(edge, `${edge.httpsBase}/`);
  const robots = await edge.fetch(`${edge.httpsBase}/robots.txt`, {
    headers: { accept: 'text/plain,*/*;q=0.8' },
  });
  const cors = await edge.fetch(https.hops.at(-1)!.url.toString(), {
    method: 'OPTIONS',
    headers: { origin: OBSERVATORY_ORIGIN, 'access-control-request-method': 'GET' },
  });
  const firstHttp = http.hops.length > 0 ? await edge.fetch(`${edge.httpBase}/`) : null;
  const cookiesOf = (r: ObservedResponse | null) => r?.headers.get('set-cookie') ?? [];
  return {
    auto: https.response,
    https: https.response,
    http: firstHttp,
    httpRedirects: http.hops,
    cors,
    corsOrigin: OBSERVATORY_ORIGIN,
    setCookies: [...cookiesOf(https.response), ...cookiesOf(robots), ...cookiesOf(cors)],
    // localhost is on no preload list; the production host would add 5 points once submitted.
    preloaded: false,
  };
}

/** The Observatory's ten tests against the edge in front of the BFF: all pass, A+. */
export async function observatoryScan(section: Section, upstream: string): Promise<void> {
  if (!section.check('Caddy is installed (the production edge runs for this test)', caddyAvailable())) return;
  if (!section.check('127.0.0.1:80 and :443 are free for the edge', await edgePortsFree())) return;
  const edge = await startEdge(upstream);
  try {
    const retrieval = await retrieve(edge);
    const result = scan(retrieval);
    for (const test of result.tests)
      section.check(
        `observatory: ${test.name} passes (${test.result}, ${test.modifier >= 0 ? '+' : ''}${test.modifier})`,
        test.pass,
        test.data,
      );
    section.equal('observatory grade', result.grade, 'A+');
    section.figure('observatory', {
      grade: result.grade,
      score: result.score,
      testsPassed: result.testsPassed,
      testsFailed: result.testsFailed,
      results: Object.fromEntries(result.tests.map((t) => [t.name, t.result])),
    });
    await everyResponseHardened(section, edge);
  } finally {
    await edge.close();
  }
}

/**
 * Beyond `/`: an API answer, a problem, a 404, a hashed asset, the SPA fallback and a socket
 * refusal all carry the same policy through the edge, HSTS exactly once, and no CORS grant.
 */
async function everyResponseHardened(section: Section, edge: Edge): Promise<void> {
  const asset = readdirSync(join(WEB_ROOT, 'assets')).find((f) => f.endsWith('.js'))!;
  const paths = [
    '/',
    '/trades',
    `/assets/${asset}`,
    '/api/auth/csrf',
    '/api/auth/me',
    '/api/trades',
    '/api/nope',
    '/readyz',
    '/ws/coach',
  ];
  for (const path of paths) {
    const res = await edge.fetch(`${edge.httpsBase}${path}`, { headers: { origin: 'https://evil.example' } });
    const h = (name: string) => res.headers.get(name) ?? [];
    const csp = gradeCsp(h('content-security-policy'), [], undefined, true);
    const where = `${path} (${res.status})`;
    section.check(
      `${where}: CSP with no unsafe script source, object-src and frame-ancestors locked`,
      csp.pass && !csp.unsafeObjects && csp.antiClickjacking && !!csp.policy?.get('frame-ancestors'),
      {
        result: csp.result,
      },
    );
    const defaultSrc = [...(csp.policy?.get('default-src') ?? [])];
    section.check(
      `${where}: default-src 'none' or 'self'`,
      defaultSrc.length === 1 && ["'none'", "'self'"].includes(defaultSrc[0]!),
      { defaultSrc },
    );
    const sts = hsts({
      auto: res,
      https: res,
      http: null,
      httpRedirects: [],
      cors: null,
      corsOrigin: '',
      setCookies: [],
      preloaded: false,
    });
    const stsData = sts.data as { maxAge: number | null; includeSubDomains: boolean; preload: boolean };
    section.check(
      `${where}: HSTS once, ≥ 6 months, includeSubDomains, preload`,
      sts.pass && stsData.includeSubDomains && stsData.preload,
      { result: sts.result, values: h('strict-transport-security') },
    );
    section.equal(`${where}: X-Content-Type-Options`, h('x-content-type-options')[0], 'nosniff');
    section.check(
      `${where}: Referrer-Policy private`,
      ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].includes(
        h('referrer-policy')[0] ?? '',
      ),
    );
    section.check(
      `${where}: Cross-Origin-Resource-Policy same-origin or same-site`,
      ['same-origin', 'same-site'].includes(h('cross-origin-resource-policy')[0] ?? ''),
    );
    section.check(
      `${where}: no CORS grant to a foreign origin`,
      h('access-control-allow-origin').length === 0 && h('access-control-allow-credentials').length === 0,
      {
        acao: h('access-control-allow-origin'),
      },
    );
    section.check(
      `${where}: no Server or X-Powered-By banner`,
      h('x-powered-by').length === 0 && h('server').length === 0,
      { server: h('server') },
    );
  }
}
