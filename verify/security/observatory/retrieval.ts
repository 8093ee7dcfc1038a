/** What the Observatory's retriever collects, and the shape of a test's outcome (mdn/mdn-http-observatory `types.js`, `grader/charts.js`). */
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

export const MODIFIERS: Record<string, number> = {
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

export const outcome = (name: string, result: string, pass: boolean, data?: unknown): TestOutcome => ({
  name,
  result,
  pass,
  modifier: MODIFIERS[result] ?? 0,
  ...(data === undefined ? {} : { data }),
});

export const header = (r: ObservedResponse | null, name: string) => r?.headers.get(name) ?? [];
export const first = (r: ObservedResponse | null, name: string) => header(r, name)[0];
export const isHtml = (r: ObservedResponse | null) =>
  /^(text\/html|application\/xhtml\+xml)$/i.test((first(r, 'content-type') ?? '').split(';')[0]!.trim());

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
