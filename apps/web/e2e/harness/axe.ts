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

let axeSource: string | undefined;

/**
 * Runs axe-core in the page. `addScriptTag({ path })` writes an inline <script>, which the app's
 * real CSP (`script-src 'self'`) refuses (and logs as a console error), so axe's source is
 * evaluated through the DevTools protocol instead, which that CSP does not govern. The page keeps
 * its real CSP: turning on `bypassCSP` would hide the very inline-script mistakes we test for.
 */
export async function auditPage(page: Page, name: string): Promise<AxeResult> {
  axeSource ??= readFileSync(AXE_PATH, 'utf8');
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }));
  });
  return {
    page: name,
    violations,
    blocking: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
  };
}
