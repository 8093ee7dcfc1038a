import { gradeCsp } from './csp';
import { first, header, httpEquiv, isHtml, outcome, type Retrieval, type TestOutcome } from './retrieval';

/** The Observatory's page-content tests: CSP, cookies, CORS and Subresource Integrity (analyzer/tests/*.js). */

export function csp(r: Retrieval): TestOutcome & { frameAncestors: boolean } {
  const equiv = r.auto && isHtml(r.auto) ? httpEquiv(r.auto.body) : new Map<string, string[]>();
  const split = (values: string[]) => values.flatMap((v) => v.split(',').map((s) => s.trim()));
  const graded = gradeCsp(
    split(header(r.auto, 'content-security-policy')),
    split(equiv.get('content-security-policy') ?? []),
    first(r.auto, 'content-security-policy-report-only'),
    r.auto?.url.protocol === 'https:',
  );
  const data = graded.policy
    ? Object.fromEntries([...graded.policy].map(([k, v]) => [k, [...v].sort()]))
    : null;
  return {
    ...outcome('content-security-policy', graded.result, graded.pass, data),
    frameAncestors: !!graded.policy?.has('frame-ancestors'),
  };
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

export function cookies(r: Retrieval, hstsPass: boolean): TestOutcome {
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
    if (!cookie.secure)
      worse(hstsPass ? 'cookies-without-secure-flag-but-protected-by-hsts' : 'cookies-without-secure-flag');
    if (antiCsrf && !cookie.sameSite) worse('cookies-anticsrf-without-samesite-flag');
    if (session && !cookie.secure)
      worse(
        hstsPass
          ? 'cookies-session-without-secure-flag-but-protected-by-hsts'
          : 'cookies-session-without-secure-flag',
      );
    if (session && !cookie.httpOnly) worse('cookies-session-without-httponly-flag');
    if (!cookie.sameSite) missingSameSite = true;
  }
  const final: string =
    result ??
    (missingSameSite
      ? 'cookies-secure-with-httponly-sessions'
      : 'cookies-secure-with-httponly-sessions-and-samesite');
  const pass = [
    'cookies-not-found',
    'cookies-secure-with-httponly-sessions-and-samesite',
    'cookies-secure-with-httponly-sessions',
  ].includes(final);
  return outcome('cookies', final, pass, jar);
}

export function cors(r: Retrieval): TestOutcome {
  const acao = first(r.cors, 'access-control-allow-origin');
  let result = 'cross-origin-resource-sharing-not-implemented';
  if (r.cors && acao) {
    const value = acao.slice(0, 256).trim().toLowerCase();
    const credentials = first(r.cors, 'access-control-allow-credentials')?.trim().toLowerCase() === 'true';
    if (value === '*') result = 'cross-origin-resource-sharing-implemented-with-public-access';
    else if (acao === r.corsOrigin && credentials)
      result = 'cross-origin-resource-sharing-implemented-with-universal-access';
    else result = 'cross-origin-resource-sharing-implemented-with-restricted-access';
  }
  return outcome(
    'cross-origin-resource-sharing',
    result,
    result !== 'cross-origin-resource-sharing-implemented-with-universal-access',
    acao ?? null,
  );
}

export function scriptsOf(html: string): { src: string | undefined; integrity: string | undefined }[] {
  return (html.match(/<script\b[^>]*>/gi) ?? []).map((tag) => ({
    src: /\ssrc\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1],
    integrity: /\sintegrity\s*=\s*["']([^"']+)/i.exec(tag)?.[1],
  }));
}

export function subresourceIntegrity(r: Retrieval): TestOutcome {
  const goodness = [
    'sri-implemented-and-all-scripts-loaded-securely',
    'sri-implemented-and-external-scripts-loaded-securely',
    'sri-implemented-but-external-scripts-not-loaded-securely',
    'sri-not-implemented-but-external-scripts-loaded-securely',
    'sri-not-implemented-and-external-scripts-not-loaded-securely',
    'sri-not-implemented-response-not-html',
  ];
  if (!r.auto) return outcome('subresource-integrity', 'sri-not-implemented-but-no-scripts-loaded', false);
  if (!isHtml(r.auto) && first(r.auto, 'content-type'))
    return outcome('subresource-integrity', 'sri-not-implemented-response-not-html', true);
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
    const sameSite =
      relativeProtocol || relativeOrigin || (full && registrable(new URL(script.src).hostname) === site);
    const secureOrigin = relativeOrigin || (sameSite && !relativeProtocol);
    const secureScheme =
      (full && new URL(script.src).protocol === 'https:') ||
      (relativeOrigin && r.auto.url.protocol === 'https:');
    if (!secureOrigin) {
      foreign = true;
      external.push(script.src);
      if (script.integrity && !secureScheme)
        worse('sri-implemented-but-external-scripts-not-loaded-securely');
      else if (!script.integrity && secureScheme)
        worse('sri-not-implemented-but-external-scripts-loaded-securely');
      else if (!script.integrity) worse('sri-not-implemented-and-external-scripts-not-loaded-securely');
    } else if (script.integrity && secureScheme && result === null)
      result = 'sri-implemented-and-all-scripts-loaded-securely';
  }
  let final: string;
  if (scripts.length === 0) final = 'sri-not-implemented-but-no-scripts-loaded';
  else
    final =
      result ??
      (foreign
        ? 'sri-implemented-and-external-scripts-loaded-securely'
        : 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin');
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
