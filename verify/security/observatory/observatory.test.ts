import { describe, expect, it } from 'vitest';
import { gradeCsp, parseCsp } from './csp';
import { gradeFor, scan, type ObservedResponse, type Retrieval } from './observatory';

const CSP =
  "default-src 'self';script-src 'self';connect-src 'self';img-src 'self' data:;style-src 'self' 'unsafe-inline';" +
  "font-src 'self';object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'";
const PAGE =
  '<!doctype html><html><head><script type="module" crossorigin src="/assets/index.js"></script></head></html>';
const ORIGIN = 'https://http-observatory.security.mozilla.org';

function response(
  url: string,
  headers: Record<string, string | string[]>,
  body = '',
  status = 200,
): ObservedResponse {
  const map = new Map<string, string[]>();
  for (const [k, v] of Object.entries(headers)) map.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  return { url: new URL(url), status, headers: map, body, verified: true };
}

function site(
  overrides: Record<string, string | string[] | undefined> = {},
  extra: Partial<Retrieval> = {},
): Retrieval {
  const headers: Record<string, string | string[]> = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CSP,
    'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const page = response('https://example.test/', headers, PAGE);
  return {
    auto: page,
    https: page,
    http: response('http://example.test/', {}, '', 308),
    httpRedirects: [
      { url: new URL('http://example.test/'), status: 308 },
      { url: new URL('https://example.test/'), status: 200 },
    ],
    cors: response('https://example.test/', {}, '', 404),
    corsOrigin: ORIGIN,
    setCookies: [],
    preloaded: false,
    ...extra,
  };
}

describe('the encoded Observatory tests', () => {
  it("grade the product's intended headers A+ with all ten tests passing", () => {
    const result = scan(site());
    expect(result.tests.filter((t) => !t.pass)).toEqual([]);
    expect(result.grade).toBe('A+');
    expect(result.score).toBe(120);
  });

  it("fail CSP for 'unsafe-inline' in script-src and take 20 off", () => {
    const result = scan(
      site({ 'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'" }),
    );
    const csp = result.tests.find((t) => t.name === 'content-security-policy')!;
    expect(csp).toMatchObject({ result: 'csp-implemented-with-unsafe-inline', pass: false, modifier: -20 });
  });

  it("forgive 'unsafe-inline' in script-src when a nonce is present, as browsers ignore it then", () => {
    const graded = gradeCsp(
      ["default-src 'none'; script-src 'nonce-abc' 'unsafe-inline'"],
      [],
      undefined,
      true,
    );
    expect(graded.result).toBe('csp-implemented-with-no-unsafe-default-src-none');
  });

  it('call a repeated directive an invalid header', () => {
    expect(() => parseCsp(["script-src 'self'; script-src 'none'"])).toThrow(/Duplicate/);
    expect(
      scan(site({ 'content-security-policy': "script-src 'self'; script-src https:" })).tests[0],
    ).toMatchObject({
      result: 'csp-header-invalid',
      pass: false,
    });
  });

  it('call HSTS invalid when the header arrives twice (an edge and an app both setting it)', () => {
    const result = scan(site({ 'strict-transport-security': ['max-age=63072000', 'max-age=31536000'] }));
    expect(result.tests.find((t) => t.name === 'strict-transport-security')).toMatchObject({
      result: 'hsts-header-invalid',
      pass: false,
    });
  });

  it('fail HSTS under six months', () => {
    const result = scan(site({ 'strict-transport-security': 'max-age=86400' }));
    expect(result.tests.find((t) => t.name === 'strict-transport-security')!.result).toBe(
      'hsts-implemented-max-age-less-than-six-months',
    );
  });

  it('fail a session cookie without HttpOnly and an anti-CSRF cookie without SameSite', () => {
    const session = scan(site({}, { setCookies: ['__Host-tt_session=x; Path=/; Secure; SameSite=Lax'] }));
    expect(session.tests.find((t) => t.name === 'cookies')!.result).toBe(
      'cookies-session-without-httponly-flag',
    );
    const csrf = scan(site({}, { setCookies: ['__Host-tt_csrf=x; Path=/; Secure'] }));
    expect(csrf.tests.find((t) => t.name === 'cookies')!.result).toBe(
      'cookies-anticsrf-without-samesite-flag',
    );
    const good = scan(
      site(
        {},
        {
          setCookies: [
            '__Host-tt_session=x; Path=/; HttpOnly; Secure; SameSite=Lax',
            '__Host-tt_csrf=y; Path=/; Secure; SameSite=Strict',
          ],
        },
      ),
    );
    expect(good.tests.find((t) => t.name === 'cookies')).toMatchObject({
      result: 'cookies-secure-with-httponly-sessions-and-samesite',
      modifier: 5,
    });
  });

  it('fail CORS that reflects the origin with credentials', () => {
    const cors = response('https://example.test/', {
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-credentials': 'true',
    });
    const result = scan(site({}, { cors }));
    expect(result.tests.find((t) => t.name === 'cross-origin-resource-sharing')).toMatchObject({
      result: 'cross-origin-resource-sharing-implemented-with-universal-access',
      pass: false,
      modifier: -50,
    });
  });

  it('fail a site that stays on HTTP, and one that redirects to another host first', () => {
    const stays = scan(site({}, { httpRedirects: [{ url: new URL('http://example.test/'), status: 200 }] }));
    expect(stays.tests.find((t) => t.name === 'redirection')!.result).toBe('redirection-missing');
    const offHost = scan(
      site(
        {},
        {
          httpRedirects: [
            { url: new URL('http://example.test/'), status: 301 },
            { url: new URL('https://www.example.test/'), status: 200 },
          ],
        },
      ),
    );
    expect(offHost.tests.find((t) => t.name === 'redirection')!.result).toBe(
      'redirection-off-host-from-http',
    );
  });

  it('fail an external script without integrity', () => {
    const page = response(
      'https://example.test/',
      { 'content-type': 'text/html' },
      '<script src="https://cdn.other.test/x.js"></script>',
    );
    const result = scan(site({}, { auto: page }));
    expect(result.tests.find((t) => t.name === 'subresource-integrity')!.result).toBe(
      'sri-not-implemented-but-external-scripts-loaded-securely',
    );
  });

  it('keep bonuses only when the score without them is an A', () => {
    const weak = scan(site({ 'x-frame-options': undefined, 'content-security-policy': undefined }));
    // CSP missing (-25) and XFO missing (-20): 55 without bonuses; the +10 CORP and +5 referrer do not count.
    expect(weak.score).toBe(55);
    expect(gradeFor(55)).toBe('C');
    expect(gradeFor(120)).toBe('A+');
    expect(gradeFor(93)).toBe('A');
  });
});
