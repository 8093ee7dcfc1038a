/**
 * Content-Security-Policy parsing and grading as Mozilla's HTTP Observatory does it
 * (mdn/mdn-http-observatory `src/analyzer/cspParser.js` and `tests/csp.js`), re-encoded here so
 * that the suite grades a local server the way the public scanner grades a site.
 */

const SHORTEST_DIRECTIVE_LENGTH = 'img-src'.length - 1;
const DIRECTIVES_DISALLOWED_IN_META = ['frame-ancestors', 'report-uri', 'sandbox'];
const ALLOWED_DUPLICATES = new Set(['report-uri', 'report-to']);

export const DANGEROUSLY_BROAD = new Set([
  'ftp:',
  'http:',
  'https:',
  '*',
  'http://*',
  'http://*.*',
  'https://*',
  'https://*.*',
]);
const UNSAFE_INLINE = new Set(["'unsafe-inline'", 'data:']);
const BROAD_OR_INLINE = new Set([...DANGEROUSLY_BROAD, ...UNSAFE_INLINE]);
const PASSIVE_DIRECTIVES = new Set(['img-src', 'media-src']);
const NONCES_HASHES = ["'sha256-", "'sha384-", "'sha512-", "'nonce-"];

export type CspPolicy = Map<string, Set<string>>;

/**
 * One or more policies (each header value, split on commas) into directive → sources. Directives
 * are case-insensitive; a repeated directive in one policy is an error (the scanner calls the header
 * invalid so that people notice); a `-src` directive with no source means `'none'`. With several
 * policies a source must be allowed by each to count (the strictest combination).
 */
export function parseCsp(policies: string[]): CspPolicy {
  const clean = policies.map((p) => p.replaceAll(/[\r\n]/g, '').trim());
  if (clean.length === 0) return new Map();
  for (const policy of clean) {
    if (!policy || policy.length < SHORTEST_DIRECTIVE_LENGTH) throw new Error(`Invalid policy: ${policy}`);
  }
  const combined = new Map<string, Set<string>>();
  for (const [index, policy] of clean.entries()) {
    const seen = new Set<string>();
    const current = new Map<string, Set<string>>();
    for (const entry of policy.split(';')) {
      const [rawDirective, ...values] = entry.trim().split(/\s+/);
      if (!rawDirective) continue;
      const directive = rawDirective.toLowerCase();
      if (seen.has(directive)) {
        if (!ALLOWED_DUPLICATES.has(directive)) throw new Error(`Duplicate directive ${directive}`);
        continue;
      }
      seen.add(directive);
      const sources = values.map((v) => v.trim().toLowerCase());
      if (sources.length === 0 && directive.endsWith('-src')) sources.push("'none'");
      current.set(directive, new Set(sources));
    }
    for (const [directive, sources] of current) {
      if (index === 0 || !combined.has(directive)) combined.set(directive, sources);
      else combined.set(directive, new Set([...combined.get(directive)!].filter((s) => sources.has(s))));
    }
  }
  for (const [directive, sources] of combined)
    if (sources.size === 0) combined.set(directive, new Set(["'none'"]));
  return combined;
}

export function parseCspMeta(policies: string[]): CspPolicy {
  const csp = parseCsp(policies);
  for (const directive of DIRECTIVES_DISALLOWED_IN_META) csp.delete(directive);
  return csp;
}

export type CspResult =
  | 'csp-implemented-with-no-unsafe-default-src-none'
  | 'csp-implemented-with-no-unsafe'
  | 'csp-implemented-with-unsafe-inline-in-style-src-only'
  | 'csp-implemented-with-insecure-scheme-in-passive-content-only'
  | 'csp-implemented-with-unsafe-eval'
  | 'csp-implemented-with-unsafe-inline'
  | 'csp-implemented-with-insecure-scheme'
  | 'csp-header-invalid'
  | 'csp-not-implemented'
  | 'csp-not-implemented-but-reporting-enabled';

export interface CspOutcome {
  result: CspResult;
  pass: boolean;
  policy: CspPolicy | null;
  antiClickjacking: boolean;
  unsafeObjects: boolean;
}

const hasNonceOrHash = (sources: Iterable<string>) =>
  [...sources].some((s) => NONCES_HASHES.some((prefix) => s.startsWith(prefix)));

/** The Observatory's CSP test over the policies of one response (`https` when served over TLS). */
export function gradeCsp(
  httpPolicies: string[],
  metaPolicies: string[],
  reportOnly: string | undefined,
  https: boolean,
): CspOutcome {
  const none = { policy: null, antiClickjacking: false, unsafeObjects: true };
  let csp: CspPolicy;
  let headerOnly: CspPolicy;
  let meta: CspPolicy;
  try {
    csp = parseCsp([...httpPolicies, ...metaPolicies]);
  } catch {
    return { result: 'csp-header-invalid', pass: false, ...none };
  }
  try {
    headerOnly = parseCsp(httpPolicies);
  } catch {
    headerOnly = new Map();
  }
  try {
    meta = parseCspMeta(metaPolicies);
  } catch {
    meta = new Map();
  }
  if (headerOnly.size + meta.size === 0) {
    const result = reportOnly ? 'csp-not-implemented-but-reporting-enabled' : 'csp-not-implemented';
    return { result, pass: false, ...none };
  }
  const get = (d: string) => csp.get(d);
  const frameAncestors = headerOnly.get('frame-ancestors') ?? new Set(['*']);
  const objectSrc = new Set(get('object-src') ?? get('default-src') ?? ['*']);
  const scriptSrc = new Set(get('script-src') ?? get('default-src') ?? ['*']);
  const styleSrc = new Set(get('style-src') ?? get('default-src') ?? ['*']);
  for (const list of [scriptSrc, styleSrc]) if (hasNonceOrHash(list)) list.delete("'unsafe-inline'");

  let result: CspResult | null = null;
  if (hasNonceOrHash(scriptSrc) && scriptSrc.has("'strict-dynamic'")) {
    for (const source of [...scriptSrc]) {
      if (
        [...DANGEROUSLY_BROAD].some((b) => source.startsWith(b)) ||
        source === "'self'" ||
        source === "'unsafe-inline'"
      )
        scriptSrc.delete(source);
    }
  } else if (scriptSrc.has("'strict-dynamic'")) result = 'csp-header-invalid';

  const active = [...csp.entries()]
    .filter(([d]) => !PASSIVE_DIRECTIVES.has(d) && d !== 'script-src')
    .flatMap(([, s]) => [...s])
    .concat([...scriptSrc]);
  const passive = [...PASSIVE_DIRECTIVES].flatMap((d) => [...(get(d) ?? get('default-src') ?? [])]);
  const insecure = (s: string) => s.startsWith('http:') || s.startsWith('ftp:');

  if (
    [...scriptSrc].some((s) => BROAD_OR_INLINE.has(s)) ||
    [...objectSrc].some((s) => DANGEROUSLY_BROAD.has(s))
  )
    result ??= 'csp-implemented-with-unsafe-inline';
  if (https && active.some(insecure)) result ??= 'csp-implemented-with-insecure-scheme';
  if (new Set([...scriptSrc, ...styleSrc]).has("'unsafe-eval'"))
    result ??= 'csp-implemented-with-unsafe-eval';
  if (https && passive.some(insecure))
    result ??= 'csp-implemented-with-insecure-scheme-in-passive-content-only';
  if ([...styleSrc].some((s) => BROAD_OR_INLINE.has(s)))
    result ??= 'csp-implemented-with-unsafe-inline-in-style-src-only';
  const defaultSrc = get('default-src');
  if (defaultSrc?.has("'none'") && defaultSrc.size === 1)
    result ??= 'csp-implemented-with-no-unsafe-default-src-none';
  result ??= 'csp-implemented-with-no-unsafe';

  const pass = [
    'csp-implemented-with-no-unsafe',
    'csp-implemented-with-no-unsafe-default-src-none',
    'csp-implemented-with-unsafe-inline-in-style-src-only',
    'csp-implemented-with-insecure-scheme-in-passive-content-only',
  ].includes(result);
  return {
    result,
    pass,
    policy: csp,
    antiClickjacking: ![...frameAncestors].some((s) => DANGEROUSLY_BROAD.has(s)),
    unsafeObjects: [...objectSrc].some((s) => DANGEROUSLY_BROAD.has(s)),
  };
}
