/*
 * Blueprint §16 acceptance, end to end in Debian's Chromium against a fresh `npm start`:
 * sign up, log in, connect the sandbox broker, import, trades, a trade's tags and features, a
 * simulation, a live coach.reflect, offline and back, the digest; axe on every page, the initial
 * JavaScript weight and a 10,000-trade scroll written to bench/results/web.json.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { auditPage, type AxeResult } from './harness/axe';
import { launchWatchedBrowser, type WatchedBrowser } from './harness/browser';
import { measureInitialJs } from './harness/bundle';
import { startServer, type RunningServer } from './harness/server';
import { BackendBlocked, StepLog } from './harness/steps';
import { offlineAndBack } from './flows/offline-and-back';
import { scrollTenThousandTrades, type TradesScroll } from './flows/trades-scroll';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const distDir = join(repoRoot, 'apps/web/dist');
const artifactsDir = join(repoRoot, 'test-artifacts/e2e');
const benchFile = join(repoRoot, 'bench/results/web.json');

const INITIAL_JS_BUDGET_GZIP = 200 * 1024;
test('Trading Twin acceptance flow (blueprint §16) in Chromium', { timeout: 240_000 }, async () => {
  const log = new StepLog(artifactsDir);
  const axeResults: AxeResult[] = [];
  let watchedBrowser: WatchedBrowser | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let scroll: TradesScroll | undefined;
  const initialJs = measureInitialJs(distDir);

  const audit = async (page: Page, name: string) => {
    const result = await auditPage(page, name);
    axeResults.push(result);
    await log.screenshot(page, name);
    assert.deepEqual(
      result.blocking.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(' ')}`),
      [],
      `axe found serious or critical violations on ${name}`,
    );
  };

  try {
    server = await startServer(repoRoot);
    const { origin } = server;
    const watched = await launchWatchedBrowser((route) => log.noteMissingRoute(route));
    ({ browser } = watched);
    const { context, page, consoleErrors, networkErrors, frames } = watched;
    watchedBrowser = watched;

    const email = `e2e-${Date.now()}@example.com`;
    const password = 'a calm trader sleeps at night 42';
    let importFinishedAt = 0;

    await log.run('sign up', [], async () => {
      await page.goto(`${origin}/signup`);
      await page.getByRole('heading', { name: 'Create your account' }).waitFor();
      await audit(page, 'signup');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL('**/login');
      await page.getByText('Your account is ready').waitFor();
    });

    await log.run('log in (secure cookies and security headers)', ['sign up'], async () => {
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await audit(page, 'login');
      assert.equal(await page.getByLabel('Email').inputValue(), email, 'the email from sign-up is filled in');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/connect');
      const cookies = await context.cookies(origin);
      const session = cookies.find((c) => c.name === '__Host-tt_session');
      const csrf = cookies.find((c) => c.name === '__Host-tt_csrf');
      assert.ok(session, 'no __Host-tt_session cookie');
      assert.equal(session.httpOnly, true, 'session cookie must be HttpOnly');
      assert.equal(session.secure, true, 'session cookie must be Secure');
      assert.equal(session.sameSite, 'Lax', 'session cookie must be SameSite=Lax');
      assert.equal(session.path, '/');
      if (csrf) assert.equal(csrf.secure, true, 'CSRF cookie must be Secure');
      const response = await page.goto(`${origin}/connect`);
      assert.ok(response, 'no response for /connect');
      const headers = response.headers();
      assert.match(headers['content-security-policy'] ?? '', /script-src 'self'(;|$)/);
      assert.doesNotMatch(headers['content-security-policy'] ?? '', /unsafe-eval/);
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['x-frame-options'], 'DENY');
      assert.equal(headers['referrer-policy'], 'strict-origin-when-cross-origin');
      assert.match(headers['strict-transport-security'] ?? '', /max-age=31536000/);
      assert.match(headers['permissions-policy'] ?? '', /camera=\(\)/);
      return `cookies ${session.name} HttpOnly Secure SameSite=${session.sameSite}; CSP, HSTS, nosniff, DENY, referrer and permissions policies present`;
    });

    await log.run(
      'connect the sandbox broker through its consent page',
      ['log in (secure cookies and security headers)'],
      async () => {
        await page.getByRole('heading', { name: 'Connect & import' }).waitFor();
        await audit(page, 'connect');
        await page.getByRole('button', { name: 'Connect Coinbase' }).click();
        await page.waitForURL(/\/sandbox\/oauth\/authorize/);
        await log.screenshot(page, 'sandbox-consent');
        await page.getByRole('button', { name: /^allow/i }).click();
        await page.waitForURL(/\/connect\?connected=coinbase/);
        await page.getByText('Coinbase is connected, read-only').waitFor();
      },
    );

    await log.run(
      'import and watch the progress bar finish',
      ['connect the sandbox broker through its consent page'],
      async () => {
        await page.getByRole('button', { name: 'Import my last 30 days' }).click();
        const bar = page.getByRole('progressbar', { name: 'Import progress' });
        await bar.waitFor();
        const seen: number[] = [];
        const deadline = Date.now() + 90_000;
        for (;;) {
          const value = Number(await bar.getAttribute('value'));
          if (seen.at(-1) !== value) seen.push(value);
          const status = await page.locator('.import-progress [role=status]').textContent();
          if (status?.includes('stopped')) {
            const runs = (await (await context.request.get(`${origin}/api/imports`)).json()) as {
              items: { status: string; error?: string }[];
            };
            throw new BackendBlocked(
              `the server's import job failed (${runs.items[0]?.error ?? status}); server log: ${
                server!
                  .output()
                  .split('\n')
                  .filter((l) => l.includes('import'))
                  .slice(-1)[0]
                  ?.slice(0, 300) ?? ''
              }`,
            );
          }
          if (value === 100 && status?.includes('Done')) break;
          if (Date.now() > deadline)
            throw new Error(`the bar did not finish in 90 s; values seen: ${seen.join(', ')}`);
          await page.waitForTimeout(100);
        }
        importFinishedAt = Date.now();
        await log.screenshot(page, 'import-finished');
        for (let i = 1; i < seen.length; i += 1)
          assert.ok(seen[i]! >= seen[i - 1]!, `the bar went backwards: ${seen.join(', ')}`);
        return `bar values ${seen.join(' → ')}`;
      },
    );

    await log.run('receive a coach.reflect live', ['import and watch the progress bar finish'], async () => {
      const reflects = frames.filter((f) => f.message.type === 'coach.reflect');
      assert.ok(reflects.length > 0, 'no coach.reflect message arrived on /ws/coach during the import');
      await page
        .getByRole('region', { name: 'Notifications' })
        .getByText(/reflection/)
        .waitFor({ timeout: Math.max(1000, 9000 - (Date.now() - importFinishedAt)) });
      return `${reflects.length} coach.reflect messages; toast shown`;
    });

    await log.run('see the trades', ['import and watch the progress bar finish'], async () => {
      await page.getByRole('link', { name: 'See my trades' }).first().click();
      await page.waitForURL('**/trades');
      const rows = page.locator('.trades-table tbody tr:not(.spacer)');
      await rows.first().waitFor();
      await audit(page, 'trades');
      const summary = await page.locator('.table-summary').textContent();
      return summary?.trim() ?? '';
    });

    await log.run('open a trade and see a tag with its features', ['see the trades'], async () => {
      // A trade from over a week ago, so that a 7-day counterfactual has prices to end on.
      await page.getByLabel('To').fill(new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10));
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/\/trades\?to=/);
      await page.locator('.trades-table tbody tr:not(.spacer)').first().waitFor();
      const tagged = page
        .locator('.trades-table tbody tr:not(.spacer)')
        .filter({ has: page.locator('.chip') });
      await tagged.first().getByRole('link').click();
      await page.waitForURL(/\/trades\/[0-9a-f-]{36}$/);
      const tags = page.locator('section[aria-labelledby="tags-heading"] .chip');
      await tags.first().waitFor();
      const features = page.locator('section[aria-labelledby="features-heading"] li');
      await features.first().waitFor();
      await page.locator('.trade-chart canvas').first().waitFor();
      assert.equal(
        await page.getByText('Prices could not be loaded').count(),
        0,
        'the trade chart got no candles',
      );
      await audit(page, 'trade-detail');
      return `${await tags.count()} tag(s), ${await features.count()} explained feature(s): "${(await features.first().textContent())?.trim()}"`;
    });

    await log.run(
      'ask a reflection in another tone, vote on it and add a note (over the socket)',
      ['open a trade and see a tag with its features'],
      async () => {
        const panel = page.locator('section[aria-labelledby="reflection-heading"]');
        await panel.getByLabel(/^Strict/).check();
        await panel.getByRole('button', { name: /strict/i }).click();
        await panel.locator('.reflection footer').filter({ hasText: 'strict tone' }).waitFor();
        const helpful = panel.getByRole('button', { name: 'Helpful', exact: true });
        await helpful.click();
        await page.waitForFunction(() =>
          document.querySelector('[aria-pressed="true"]')?.textContent?.includes('Helpful'),
        );
        const note = `Chased the move after a loss, ${Date.now()}`;
        await page.getByLabel('Add a note').fill(note);
        await page.getByRole('button', { name: 'Save note' }).click();
        await page.getByText(note).waitFor();
        return `strict reflection: "${(await panel.locator('.reflection p').first().textContent())?.trim()}"`;
      },
    );

    await log.run(
      'open a simulation and see the chart',
      ['open a trade and see a tag with its features'],
      async () => {
        await page.getByRole('link', { name: /Open simulation/ }).click();
        await page.waitForURL(/\/simulate$/);
        await page.locator('.uplot-chart canvas').first().waitFor({ timeout: 30_000 });
        await audit(page, 'simulation');
        return `${await page.locator('.uplot-chart').count()} scenario chart(s)`;
      },
    );

    await log.run(
      'go offline and back, and see the missed events',
      ['import and watch the progress bar finish'],
      () => offlineAndBack(watched, origin, (name) => log.screenshot(page, name)),
    );

    await log.run('open the digest', ['import and watch the progress bar finish'], async () => {
      await page.goto(`${origin}/digest`);
      const empty = page.getByRole('button', { name: 'Build my digest' });
      const view = page.getByRole('heading', { name: 'Tags by week' });
      await Promise.race([empty.waitFor(), view.waitFor()]);
      if (await empty.isVisible()) {
        await audit(page, 'digest-empty');
        await empty.click();
      }
      await view.waitFor({ timeout: 60_000 });
      await page.locator('.uplot-chart canvas').first().waitFor();
      await audit(page, 'digest');
    });

    await log.run('rules and settings pages', ['log in (secure cookies and security headers)'], async () => {
      await page.goto(`${origin}/rules`);
      await page.getByRole('heading', { name: 'FOMO entries' }).waitFor();
      await audit(page, 'rules');
      await page.goto(`${origin}/settings`);
      await page.getByRole('heading', { name: 'Signed-in devices' }).waitFor();
      await page.getByText('This device').waitFor();
      await audit(page, 'settings');
    });

    await log.run(
      'scroll 10,000 trades without jank',
      ['log in (secure cookies and security headers)'],
      async () => {
        scroll = await scrollTenThousandTrades(page, origin, (name) => log.screenshot(page, name));
        return scroll.summary;
      },
    );

    await log.run('sign out', ['log in (secure cookies and security headers)'], async () => {
      await page.goto(`${origin}/settings`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/login');
      const me = await context.request.get(`${origin}/api/auth/me`);
      assert.equal(me.status(), 401, 'the session still works after signing out');
    });

    await log.run('initial JavaScript ≤ 200 KB gzipped', [], async () => {
      assert.ok(
        initialJs.totalGzipBytes <= INITIAL_JS_BUDGET_GZIP,
        `${initialJs.totalGzipBytes} bytes gzipped`,
      );
      return `${(initialJs.totalGzipBytes / 1024).toFixed(1)} KB gzipped in ${initialJs.files.length} file(s)`;
    });

    await log.run('no errors in the browser console', [], async () => {
      assert.deepEqual(consoleErrors, [], 'console errors');
      return `${networkErrors.length} expected non-2xx answer(s) logged by Chromium`;
    });
  } finally {
    await browser?.close();
    await server?.stop();
    mkdirSync(dirname(benchFile), { recursive: true });
    writeFileSync(
      benchFile,
      `${JSON.stringify(
        {
          name: 'web',
          generatedAt: new Date().toISOString(),
          browser: 'Debian Chromium, headless, --disable-gpu, 1280×900',
          initialJs: { budgetGzipBytes: INITIAL_JS_BUDGET_GZIP, ...initialJs },
          tradesScroll: scroll ?? null,
        },
        null,
        2,
      )}\n`,
    );
    log.save(join(artifactsDir, 'summary.json'), {
      axe: axeResults,
      consoleErrors: watchedBrowser?.consoleErrors ?? [],
      networkErrors: watchedBrowser?.networkErrors ?? [],
      frames: watchedBrowser?.frames.length ?? 0,
    });
  }
  const notPassed = log.records.filter((r) => r.outcome !== 'passed');
  assert.deepEqual(
    notPassed.map((r) => `${r.outcome}: ${r.step}: ${r.detail ?? ''}`),
    [],
    'acceptance steps that did not pass',
  );
});
