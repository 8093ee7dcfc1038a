import { gradeCsp } from './csp';

/**
 * The ten tests of Mozilla's HTTP Observatory (mdn/mdn-http-observatory, scanner/index.js and
 * analyzer/tests/*.js) with their results, pass rules and score modifiers (grader/charts.js),
 * applied to responses this suite retrieved itself. Scoring as the scanner does: start at 100, add
 * every modifier, but keep the bonuses only when the score without them is at least 90.
 */

export interface ObservedResponse {
  url: URL;
  status: number;
  /** Lower-case names; every value of a repeated header. */
  headers: Map<string, string[]>;
  body: string;
  /** Served over a certificate chain the client trusted. */
  verified: boolean;
}

export interface Retrieval {
  /** The final answer to GET / over HTTPS (following redirects). */
  auto: ObservedResponse | null;
  /** The first answer to GET http://host/ (before redirects). */
  http: ObservedResponse | null;
  https: ObservedResponse | null;
  /** Every URL visited from http://host/, the first included. */
  httpRedirects: { url: URL; status: number }[];
  /** OPTIONS / with `Origin: https://http-observatory.security.mozilla.org`. */
  cors: ObservedResponse | null;
  corsOrigin: string;
  /** Every Set-Cookie the scan's session received (/, /robots.txt, the preflight). */
  setCookies: string[];
  /** Whether the host is on the browsers' HSTS preload list. */
  preloaded: boolean;
}

export interface TestOutcome {
  name: string;
  result: string;
  pass: boolean;
  modifier: number;
  data?: unknown;
}

const MODIFIERS: Record<string, number> = {
  'csp-implemented-with-no-unsafe-default-src-none': 10,
  'csp-implemented-with-no-unsafe': 5,
  'csp-implemented-with-unsafe-inline-in-style-src-only': 0,
  'csp-implemented-with-insecure-scheme-in-passive-content-only': -10,
  'csp-implemented-with-unsafe-eval': -10,
  'csp-implemented-with-unsafe-inline': -20,
  'csp-implemented-with-insecure-scheme': -20,
  'csp-header-invalid': -25,
  'csp-not-implemented': -25,
  'csp-not-implemented-but-reporting-enabled': -25,
  'cookies-secure-with-httponly-sessions-and-samesite': 5,
  'cookies-secure-with-httponly-sessions': 0,
  'cookies-not-found': 0,
  'cookies-without-secure-flag-but-protected-by-hsts': -5,
  'cookies-session-without-secure-flag-but-protected-by-hsts': -10,
  'cookies-without-secure-flag': -20,
  'cookies-samesite-flag-invalid': -20,
  'cookies-anticsrf-without-samesite-flag': -20,
  'cookies-session-without-httponly-flag': -30,
  'cookies-session-without-secure-flag': -40,
  'cross-origin-resource-sharing-not-implemented': 0,
  'cross-origin-resource-sharing-implemented-with-public-access': 0,
  'cross-origin-resource-sharing-implemented-with-restricted-access': 0,
  'cross-origin-resource-sharing-implemented-with-universal-access': -50,
  'redirection-all-redirects-preloaded': 0,
  'redirection-to-https': 0,
  'redirection-not-needed-no-http': 0,
  'redirection-off-host-from-http': -5,
  'redirection-not-to-https-on-initial-redirection': -10,
  'redirection-not-to-https': -20,
  'redirection-missing': -20,
  'redirection-invalid-cert': -20,
  'referrer-policy-private': 5,
  'referrer-policy-not-implemented': 0,
  'referrer-policy-unsafe': -5,
  'referrer-policy-header-invalid': -5,
  'hsts-preloaded': 5,
  'hsts-implemented-max-age-at-least-six-months': 0,
  'hsts-implemented-max-age-less-than-six-months': -10,
  'hsts-not-implemented': -20,
  'hsts-header-invalid': -20,
  'hsts-not-implemented-no-https': -20,
  'hsts-invalid-cert': -20,
  'sri-implemented-and-all-scripts-loaded-securely': 5,
  'sri-implemented-and-external-scripts-loaded-securely': 5,
  'sri-not-implemented-response-not-html': 0,
  'sri-not-implemented-but-no-scripts-loaded': 0,
  'sri-not-implemented-but-all-scripts-loaded-from-secure-origin': 0,
  'sri-not-implemented-but-external-scripts-loaded-securely': -5,
  'sri-implemented-but-external-scripts-not-loaded-securely': -20,
  'sri-not-implemented-and-external-scripts-not-loaded-securely': -50,
  'x-content-type-options-nosniff': 0,
  'x-content-type-options-not-implemented': -5,
  'x-content-type-options-header-invalid': -5,
  'x-frame-options-implemented-via-csp': 5,
  'x-frame-options-sameorigin-or-deny': 0,
  'x-frame-options-allow-from-origin': 0,
  'x-frame-options-not-implemented': -20,
  'x-frame-options-header-invalid': -20,
  'corp-implemented-with-same-origin': 10,
  'corp-implemented-with-same-site': 10,
  'corp-implemented-with-cross-origin': 0,
  'corp-not-implemented': 0,
  'corp-header-invalid': -5,
};

const outcome = (name: string, result: string, pass: boolean, data?: unknown): TestOutcome => ({
  name,
  result,
  pass,
  modifier: MODIFIERS[result] ?? 0,
  ...(data === undefined ? {} : { data }),
});

const header = (r: ObservedResponse | null, name: string) => r?.headers.get(name) ?? [];
const first = (r: ObservedResponse | null, name: string) => header(r, name)[0];
const isHtml = (r: ObservedResponse | null) => /^(text\/html|application\/xhtml\+xml)$/i.test((first(r, 'content-type') ?? '').split(';')[0]!.trim());

/** `<meta http-equiv="…" content="…">` values of an HTML page, by lower-case header name. */
export function httpEquiv(html: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    const name = /http-equiv\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1]?.toLowerCase();
    const content = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag);
    if (name && content) out.set(name, [...(out.get(name) ?? []), content[1] ?? content[2] ?? '']);
  }
  return out;
}

function csp(r: Retrieval): TestOutcome & { frameAncestors: boolean } {
  const equiv = r.auto && isHtml(r.auto) ? httpEquiv(r.auto.body) : new Map<string, string[]>();
  const split = (values: string[]) => values.flatMap((v) => v.split(',').map((s) => s.trim()));
  const graded = gradeCsp(
    split(header(r.auto, 'content-security-policy')),
    split(equiv.get('content-security-policy') ?? []),
    first(r.auto, 'content-security-policy-report-only'),
    r.auto?.url.protocol === 'https:',
  );
  const data = graded.policy ? Object.fromEntries([...graded.policy].map(([k, v]) => [k, [...v].sort()])) : null;
  return { ...outcome('content-security-policy', graded.result, graded.pass, data), frameAncestors: !!graded.policy?.has('frame-ancestors') };
}

interface ParsedCookie {
  name: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | undefined;
}

export function parseSetCookie(raw: string): ParsedCookie {
  const [pair, ...attributes] = raw.split(';');
  const attrs = attributes.map((a) => a.trim().split('='));
  const attr = (name: string) => attrs.find(([k]) => k!.trim().toLowerCase() === name);
  return {
    name: pair!.split('=')[0]!.trim(),
    secure: !!attr('secure'),
    httpOnly: !!attr('httponly'),
    sameSite: attr('samesite')?.[1]?.trim(),
  };
}

function cookies(r: Retrieval, hstsPass: boolean): TestOutcome {
  const goodness = [
    'cookies-without-secure-flag-but-protected-by-hsts',
    'cookies-without-secure-flag',
    'cookies-session-without-secure-flag-but-protected-by-hsts',
    'cookies-samesite-flag-invalid',
    'cookies-anticsrf-without-samesite-flag',
    'cookies-session-without-httponly-flag',
    'cookies-session-without-secure-flag',
  ];
  let result: string | null = null;
  const worse = (candidate: string) => {
    if (result === null || goodness.indexOf(candidate) > goodness.indexOf(result)) result = candidate;
  };
  for (const raw of r.setCookies) {
    const sameSite = /;\s*samesite\s*(=\s*([^;]*))?/i.exec(raw);
    if (sameSite && !['lax', 'strict', 'none'].includes((sameSite[2] ?? '').trim().toLowerCase()))
      worse('cookies-samesite-flag-invalid');
  }
  const jar = r.setCookies.map(parseSetCookie);
  if (jar.length === 0) return outcome('cookies', 'cookies-not-found', true);
  let missingSameSite = false;
  for (const cookie of jar) {
    const key = cookie.name.toLowerCase();
    const session = key.includes('login') || key.includes('sess');
    const antiCsrf = key.includes('csrf');
    if (!cookie.secure && cookie.sameSite?.toLowerCase() === 'none') worse('cookies-samesite-flag-invalid');
    if (!cookie.secure) worse(hstsPass ? 'cookies-without-secure-flag-but-protected-by-hsts' : 'cookies-without-secure-flag');
    if (antiCsrf && !cookie.sameSite) worse('cookies-anticsrf-without-samesite-flag');
    if (session && !cookie.secure)
      worse(hstsPass ? 'cookies-session-without-secure-flag-but-protected-by-hsts' : 'cookies-session-without-secure-flag');
    if (session && !cookie.httpOnly) worse('cookies-session-without-httponly-flag');
    if (!cookie.sameSite) missingSameSite = true;
  }
  const final: string =
    result ?? (missingSameSite ? 'cookies-secure-with-httponly-sessions' : 'cookies-secure-with-httponly-sessions-and-samesite');
  const pass = ['cookies-not-found', 'cookies-secure-with-httponly-sessions-and-samesite', 'cookies-secure-with-httponly-sessions'].includes(final);
  return outcome('cookies', final, pass, jar);
}

function cors(r: Retrieval): TestOutcome {
  const acao = first(r.cors, 'access-control-allow-origin');
  let result = 'cross-origin-resource-sharing-not-implemented';
  if (r.cors && acao) {
    const value = acao.slice(0, 256).trim().toLowerCase();
    const credentials = first(r.cors, 'access-control-allow-credentials')?.trim().toLowerCase() === 'true';
    if (value === '*') result = 'cross-origin-resource-sharing-implemented-with-public-access';
    else if (acao === r.corsOrigin && credentials) result = 'cross-origin-resource-sharing-implemented-with-universal-access';
    else result = 'cross-origin-resource-sharing-implemented-with-restricted-access';
  }
  return outcome('cross-origin-resource-sharing', result, result !== 'cross-origin-resource-sharing-implemented-with-universal-access', acao ?? null);
}

function redirection(r: Retrieval): TestOutcome {
  const route = r.httpRedirects;
  let result: string;
  if (!r.http) result = 'redirection-not-needed-no-http';
  else if (!r.http.verified) result = 'redirection-invalid-cert';
  else if (r.preloaded) result = 'redirection-all-redirects-preloaded';
  else if (route.length === 1) result = 'redirection-missing';
  else if (route.at(-1)?.url.protocol !== 'https:') result = 'redirection-not-to-https';
  else if (route[1]?.url.protocol === 'http:') result = 'redirection-not-to-https-on-initial-redirection';
  else if (route[0]?.url.protocol === 'http:' && route[1]?.url.protocol === 'https:' && route[0].url.hostname !== route[1].url.hostname)
    result = 'redirection-off-host-from-http';
  else result = 'redirection-to-https';
  const pass = ['redirection-not-needed-no-http', 'redirection-all-redirects-preloaded', 'redirection-to-https'].includes(result);
  return outcome('redirection', result, pass, route.map((h) => `${h.status} ${h.url.href}`));
}

function referrerPolicy(r: Retrieval): TestOutcome {
  const good = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];
  const bad = ['origin', 'origin-when-cross-origin', 'unsafe-url', 'no-referrer-when-downgrade'];
  const equiv = r.auto && isHtml(r.auto) ? (httpEquiv(r.auto.body).get('referrer-policy') ?? []) : [];
  const values = [...header(r.auto, 'referrer-policy'), ...equiv];
  if (values.length === 0) return outcome('referrer-policy', 'referrer-policy-not-implemented', true);
  const policy =
    values
      .join(', ')
      .split(',')
      .map((v) => v.trim().toLowerCase())
      .filter((v) => good.includes(v) || bad.includes(v))
      .at(-1) ?? '';
  const result = good.includes(policy) ? 'referrer-policy-private' : bad.includes(policy) ? 'referrer-policy-unsafe' : 'referrer-policy-header-invalid';
  return outcome('referrer-policy', result, result === 'referrer-policy-private', values.join(', '));
}

const SIX_MONTHS = 15_552_000;

export function hsts(r: Retrieval): TestOutcome {
  let result = 'hsts-not-implemented';
  const value = first(r.https, 'strict-transport-security');
  const data = { value: value ?? null, maxAge: null as number | null, includeSubDomains: false, preload: false };
  if (!r.https) result = 'hsts-not-implemented-no-https';
  else if (!r.https.verified) result = 'hsts-invalid-cert';
  else if (header(r.https, 'strict-transport-security').length > 0) {
    const all = header(r.https, 'strict-transport-security').join(', ').slice(0, 1024);
    if (all.includes(',')) result = 'hsts-header-invalid';
    else {
      for (const part of all.split(';').map((p) => p.trim().toLowerCase())) {
        if (part.startsWith('max-age=')) data.maxAge = Number.parseInt(part.slice(8, 128), 10);
        else if (part === 'includesubdomains') data.includeSubDomains = true;
        else if (part === 'preload') data.preload = true;
      }
      result =
        data.maxAge === null || Number.isNaN(data.maxAge)
          ? 'hsts-header-invalid'
          : data.maxAge < SIX_MONTHS
            ? 'hsts-implemented-max-age-less-than-six-months'
            : 'hsts-implemented-max-age-at-least-six-months';
    }
  }
  if (r.https && r.preloaded) result = 'hsts-preloaded';
  return outcome('strict-transport-security', result, ['hsts-implemented-max-age-at-least-six-months', 'hsts-preloaded'].includes(result), data);
}

/** `<script>` tags with their src, integrity and crossorigin attributes. */
export function scriptsOf(html: string): { src: string | undefined; integrity: string | undefined }[] {
  return (html.match(/<script\b[^>]*>/gi) ?? []).map((tag) => ({
    src: /\ssrc\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1],
    integrity: /\sintegrity\s*=\s*["']([^"']+)/i.exec(tag)?.[1],
  }));
}

function subresourceIntegrity(r: Retrieval): TestOutcome {
  const goodness = [
    'sri-implemented-and-all-scripts-loaded-securely',
    'sri-implemented-and-external-scripts-loaded-securely',
    'sri-implemented-but-external-scripts-not-loaded-securely',
    'sri-not-implemented-but-external-scripts-loaded-securely',
    'sri-not-implemented-and-external-scripts-not-loaded-securely',
    'sri-not-implemented-response-not-html',
  ];
  if (!r.auto) return outcome('subresource-integrity', 'sri-not-implemented-but-no-scripts-loaded', false);
  if (!isHtml(r.auto) && first(r.auto, 'content-type')) return outcome('subresource-integrity', 'sri-not-implemented-response-not-html', true);
  let result: string | null = null;
  const worse = (candidate: string) => {
    if (result === null || goodness.indexOf(candidate) > goodness.indexOf(result)) result = candidate;
  };
  const scripts = scriptsOf(r.auto.body);
  const site = registrable(r.auto.url.hostname);
  let foreign = false;
  const external: string[] = [];
  for (const script of scripts) {
    if (!script.src) continue;
    const relativeProtocol = /^\/\/[^/]/.test(script.src);
    const full = /^https?:\/\//i.test(script.src);
    const relativeOrigin = !relativeProtocol && !full;
    const sameSite = relativeProtocol || relativeOrigin || (full && registrable(new URL(script.src).hostname) === site);
    const secureOrigin = relativeOrigin || (sameSite && !relativeProtocol);
    const secureScheme = (full && new URL(script.src).protocol === 'https:') || (relativeOrigin && r.auto.url.protocol === 'https:');
    if (!secureOrigin) {
      foreign = true;
      external.push(script.src);
      if (script.integrity && !secureScheme) worse('sri-implemented-but-external-scripts-not-loaded-securely');
      else if (!script.integrity && secureScheme) worse('sri-not-implemented-but-external-scripts-loaded-securely');
      else if (!script.integrity) worse('sri-not-implemented-and-external-scripts-not-loaded-securely');
    } else if (script.integrity && secureScheme && result === null) result = 'sri-implemented-and-all-scripts-loaded-securely';
  }
  let final: string;
  if (scripts.length === 0) final = 'sri-not-implemented-but-no-scripts-loaded';
  else final = result ?? (foreign ? 'sri-implemented-and-external-scripts-loaded-securely' : 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin');
  const pass = [
    'sri-implemented-and-all-scripts-loaded-securely',
    'sri-implemented-and-external-scripts-loaded-securely',
    'sri-not-implemented-response-not-html',
    'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
    'sri-not-implemented-but-no-scripts-loaded',
  ].includes(final);
  return outcome('subresource-integrity', final, pass, { scripts: scripts.map((s) => s.src), external });
}

/** The last two labels of a host name: enough for the hosts this suite scans (no public suffix list). */
function registrable(hostname: string): string {
  return hostname.split('.').slice(-2).join('.');
}

function xContentTypeOptions(r: Retrieval): TestOutcome {
  const value = first(r.auto, 'x-content-type-options');
  const result = !value
    ? 'x-content-type-options-not-implemented'
    : value.trim().toLowerCase() === 'nosniff'
      ? 'x-content-type-options-nosniff'
      : 'x-content-type-options-header-invalid';
  return outcome('x-content-type-options', result, result === 'x-content-type-options-nosniff', value ?? null);
}

function xFrameOptions(r: Retrieval, cspHasFrameAncestors: boolean): TestOutcome {
  const value = first(r.auto, 'x-frame-options');
  let result = 'x-frame-options-not-implemented';
  if (value) {
    const v = value.trim().toLowerCase();
    result = ['deny', 'sameorigin'].includes(v)
      ? 'x-frame-options-sameorigin-or-deny'
      : v.startsWith('allow-from')
        ? 'x-frame-options-allow-from-origin'
        : 'x-frame-options-header-invalid';
  }
  if (cspHasFrameAncestors) result = 'x-frame-options-implemented-via-csp';
  const pass = ['x-frame-options-allow-from-origin', 'x-frame-options-sameorigin-or-deny', 'x-frame-options-implemented-via-csp'].includes(result);
  return outcome('x-frame-options', result, pass, value ?? null);
}

function crossOriginResourcePolicy(r: Retrieval): TestOutcome {
  const http = first(r.auto, 'cross-origin-resource-policy');
  const equiv = r.auto && isHtml(r.auto) ? httpEquiv(r.auto.body).get('cross-origin-resource-policy') : undefined;
  const value = (http ?? equiv?.at(-1))?.slice(0, 256).trim().toLowerCase();
  const result = !value
    ? 'corp-not-implemented'
    : value === 'same-site'
      ? 'corp-implemented-with-same-site'
      : value === 'same-origin'
        ? 'corp-implemented-with-same-origin'
        : value === 'cross-origin'
          ? 'corp-implemented-with-cross-origin'
          : 'corp-header-invalid';
  return outcome('cross-origin-resource-policy', result, result !== 'corp-header-invalid', value ?? null);
}

const GRADES: [number, string][] = [
  [100, 'A+'], [90, 'A'], [85, 'A-'], [80, 'B+'], [70, 'B'], [65, 'B-'], [60, 'C+'], [50, 'C'],
  [45, 'C-'], [40, 'D+'], [30, 'D'], [25, 'D-'], [0, 'F'],
];

export interface ScanResult {
  grade: string;
  score: number;
  testsPassed: number;
  testsFailed: number;
  tests: TestOutcome[];
}

export function gradeFor(score: number): string {
  const floored = Math.min(100, Math.max(0, score - (score % 5)));
  return GRADES.find(([min]) => floored >= min)![1];
}

/** Runs the ten tests and scores them exactly as `scan()` in the Observatory does. */
export function scan(r: Retrieval): ScanResult {
  const cspOutcome = csp(r);
  const hstsOutcome = hsts(r);
  const tests = [
    cspOutcome,
    cookies(r, hstsOutcome.pass),
    cors(r),
    redirection(r),
    referrerPolicy(r),
    hstsOutcome,
    subresourceIntegrity(r),
    xContentTypeOptions(r),
    xFrameOptions(r, cspOutcome.frameAncestors),
    crossOriginResourcePolicy(r),
  ].map(({ name, result, pass, modifier, data }) => ({ name, result, pass, modifier, ...(data === undefined ? {} : { data }) }));
  let withExtra = 100;
  let uncurved = 100;
  for (const t of tests) {
    withExtra += t.modifier;
    if (t.modifier < 0) uncurved += t.modifier;
  }
  const score = Math.max(0, uncurved >= 90 ? withExtra : uncurved);
  const passed = tests.filter((t) => t.pass).length;
  return { grade: gradeFor(score), score, testsPassed: passed, testsFailed: tests.length - passed, tests };
}
