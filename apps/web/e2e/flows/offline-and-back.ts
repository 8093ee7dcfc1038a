import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import type { WatchedBrowser } from '../harness/browser';

async function csrfHeader(context: BrowserContext, origin: string): Promise<Record<string, string>> {
  const cookie = (await context.cookies(origin)).find((c) => c.name === '__Host-tt_csrf');
  assert.ok(cookie, 'no __Host-tt_csrf cookie in the browser');
  return { 'x-csrf-token': cookie.value, origin };
}

/**
 * Takes the browser offline, has the server raise events for the user meanwhile (a second import,
 * all duplicates, started over the API), comes back online and checks that the app resumed: the
 * missed events arrive on the socket, a notice says so and the import's toast (0 new trades) shows.
 */
export async function offlineAndBack(
  { context, page, frames }: WatchedBrowser,
  origin: string,
  screenshot: (name: string) => Promise<string>,
): Promise<string> {
  // No reload: the page keeps the socket that saw the import's events, the point it resumes from.
  await page.getByText('Live', { exact: true }).waitFor();
  await context.setOffline(true);
  try {
    await page.locator('.live-status').filter({ hasText: 'Offline' }).waitFor({ timeout: 10_000 });
    const framesBefore = frames.length;
    const started = await context.request.post(`${origin}/api/trades/import`, {
      headers: {
        ...(await csrfHeader(context, origin)),
        'idempotency-key': crypto.randomUUID(),
        'content-type': 'application/json',
      },
      data: {},
    });
    assert.equal(started.status(), 202, `second import: ${started.status()} ${await started.text()}`);
    const { importId } = (await started.json()) as { importId: string };
    for (const deadline = Date.now() + 30_000; ;) {
      const run = (await (await context.request.get(`${origin}/api/imports/${importId}`)).json()) as {
        status: string;
      };
      if (run.status === 'succeeded' || run.status === 'failed') break;
      if (Date.now() > deadline) throw new Error('the offline import did not finish in 30 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(frames.length, framesBefore, 'events arrived while the browser was offline');
    await context.setOffline(false);
    await page.getByText('You were offline for a moment').waitFor({ timeout: 20_000 });
    await page.getByText('Live', { exact: true }).waitFor();
    await page
      .getByRole('region', { name: 'Notifications' })
      .getByText('Import finished: 0 new trades')
      .waitFor();
    const missed = frames
      .slice(framesBefore)
      .filter((f) => f.message.type === 'import.progress' && f.message.importId === importId);
    assert.ok(missed.length > 0, 'the missed import.progress events were not delivered after reconnecting');
    await screenshot('back-online');
    return `${missed.length} missed import.progress event(s) delivered on resume; notice and toast shown`;
  } finally {
    await context.setOffline(false);
  }
}
