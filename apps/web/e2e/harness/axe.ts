import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

export interface AxeResult {
  page: string;
  violations: AxeViolation[];
  /** Serious and critical ones: the acceptance bar is none of these. */
  blocking: AxeViolation[];
}

/**
 * Runs axe-core in the page. The app's CSP (`script-src 'self'`) refuses the inline script that
 * `addScriptTag({ path })` writes, so axe is evaluated through the DevTools protocol instead,
 * which the page's CSP does not govern; the page itself keeps its real CSP.
 */
export async function auditPage(page: Page, name: string): Promise<AxeResult> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) {
    try {
      await page.addScriptTag({ path: AXE_PATH });
    } catch {
      // Refused by the CSP, as expected.
    }
    if (!(await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined'))) {
      await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
    }
  }
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
  return { page: name, violations, blocking: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') };
}
