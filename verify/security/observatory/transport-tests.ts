import { first, header, httpEquiv, isHtml, outcome, type Retrieval, type TestOutcome } from './retrieval';

/** The Observatory's transport and header tests: redirection, Referrer-Policy, HSTS, X-Content-Type-Options, X-Frame-Options, CORP. */

export function redirection(r: Retrieval): TestOutcome {
  const route = r.httpRedirects;
  let result: string;
  if (!r.http) result = 'redirection-not-needed-no-http';
  else if (!r.http.verified) result = 'redirection-invalid-cert';
  else if (r.preloaded) result = 'redirection-all-redirects-preloaded';
  else if (route.length === 1) result = 'redirection-missing';
  else if (route.at(-1)?.url.protocol !== 'https:') result = 'redirection-not-to-https';
  else if (route[1]?.url.protocol === 'http:') result = 'redirection-not-to-https-on-initial-redirection';
  else if (
    route[0]?.url.protocol === 'http:' &&
    route[1]?.url.protocol === 'https:' &&
    route[0].url.hostname !== route[1].url.hostname
  )
    result = 'redirection-off-host-from-http';
  else result = 'redirection-to-https';
  const pass = [
    'redirection-not-needed-no-http',
    'redirection-all-redirects-preloaded',
    'redirection-to-https',
  ].includes(result);
  return outcome(
    'redirection',
    result,
    pass,
    route.map((h) => `${h.status} ${h.url.href}`),
  );
}

export function referrerPolicy(r: Retrieval): TestOutcome {
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
  const result = good.includes(policy)
    ? 'referrer-policy-private'
    : bad.includes(policy)
      ? 'referrer-policy-unsafe'
      : 'referrer-policy-header-invalid';
  return outcome('referrer-policy', result, result === 'referrer-policy-private', values.join(', '));
}

const SIX_MONTHS = 15_552_000;

export function hsts(r: Retrieval): TestOutcome {
  let result = 'hsts-not-implemented';
  const value = first(r.https, 'strict-transport-security');
  const data = {
    value: value ?? null,
    maxAge: null as number | null,
    includeSubDomains: false,
    preload: false,
  };
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
  return outcome(
    'strict-transport-security',
    result,
    ['hsts-implemented-max-age-at-least-six-months', 'hsts-preloaded'].includes(result),
    data,
  );
}

/** `<script>` tags with their src, integrity and crossorigin attributes. */
export function xContentTypeOptions(r: Retrieval): TestOutcome {
  const value = first(r.auto, 'x-content-type-options');
  const result = !value
    ? 'x-content-type-options-not-implemented'
    : value.trim().toLowerCase() === 'nosniff'
      ? 'x-content-type-options-nosniff'
      : 'x-content-type-options-header-invalid';
  return outcome(
    'x-content-type-options',
    result,
    result === 'x-content-type-options-nosniff',
    value ?? null,
  );
}

export function xFrameOptions(r: Retrieval, cspHasFrameAncestors: boolean): TestOutcome {
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
  const pass = [
    'x-frame-options-allow-from-origin',
    'x-frame-options-sameorigin-or-deny',
    'x-frame-options-implemented-via-csp',
  ].includes(result);
  return outcome('x-frame-options', result, pass, value ?? null);
}

export function crossOriginResourcePolicy(r: Retrieval): TestOutcome {
  const http = first(r.auto, 'cross-origin-resource-policy');
  const equiv =
    r.auto && isHtml(r.auto) ? httpEquiv(r.auto.body).get('cross-origin-resource-policy') : undefined;
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
