import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export type StepOutcome = 'passed' | 'failed' | 'blocked';

export interface StepRecord {
  step: string;
  outcome: StepOutcome;
  ms: number;
  detail?: string;
  screenshot?: string;
}

/** API answers that mean a backend part is not there yet (a route that does not exist). */
export interface MissingRoute {
  method: string;
  path: string;
  status: number;
}

/** Thrown by a step when the server itself reports that a part it needs failed (not the web app). */
export class BackendBlocked extends Error {
  override name = 'BackendBlocked';
}

/**
 * Records each acceptance step: passed, failed, or blocked (a backend route it needs answered
 * "no route", or a step it depends on did not pass). The summary is printed and saved.
 */
export class StepLog {
  readonly records: StepRecord[] = [];
  private missing: MissingRoute[] = [];
  private shots = 0;

  constructor(private readonly artifactsDir: string) {
    // Each run's screenshots replace the last run's, so the folder shows one run.
    rmSync(artifactsDir, { recursive: true, force: true });
    mkdirSync(artifactsDir, { recursive: true });
  }

  noteMissingRoute(route: MissingRoute): void {
    this.missing.push(route);
  }

  outcomeOf(step: string): StepOutcome | undefined {
    return this.records.find((r) => r.step === step)?.outcome;
  }

  async screenshot(page: Page, name: string): Promise<string> {
    this.shots += 1;
    const file = join(this.artifactsDir, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** Runs one step; `requires` names earlier steps whose failure blocks this one. */
  async run(step: string, requires: string[], body: () => Promise<string | void>): Promise<StepRecord> {
    const started = Date.now();
    const unmet = requires.filter((r) => this.outcomeOf(r) !== 'passed');
    if (unmet.length > 0) {
      return this.push({ step, outcome: 'blocked', ms: 0, detail: `needs ${unmet.join(', ')}` });
    }
    const missingBefore = this.missing.length;
    try {
      const detail = await body();
      return this.push({ step, outcome: 'passed', ms: Date.now() - started, ...(detail ? { detail } : {}) });
    } catch (error) {
      const message =
        error instanceof Error ? error.message.split('\n').slice(0, 4).join(' ') : String(error);
      if (error instanceof BackendBlocked) {
        return this.push({
          step,
          outcome: 'blocked',
          ms: Date.now() - started,
          detail: `backend: ${message}`,
        });
      }
      const missing = this.missing.slice(missingBefore);
      if (missing.length > 0) {
        const routes = [...new Set(missing.map((m) => `${m.method} ${m.path} → ${m.status}`))].join('; ');
        return this.push({
          step,
          outcome: 'blocked',
          ms: Date.now() - started,
          detail: `backend route missing: ${routes} (${message})`,
        });
      }
      return this.push({ step, outcome: 'failed', ms: Date.now() - started, detail: message });
    }
  }

  private push(record: StepRecord): StepRecord {
    this.records.push(record);
    const mark = record.outcome === 'passed' ? 'PASS' : record.outcome === 'blocked' ? 'BLOCKED' : 'FAIL';
    console.log(
      `[e2e] ${mark.padEnd(7)} ${record.step} (${record.ms} ms)${record.detail ? `: ${record.detail}` : ''}`,
    );
    return record;
  }

  save(file: string, extra: Record<string, unknown>): void {
    writeFileSync(file, JSON.stringify({ steps: this.records, ...extra }, null, 2));
  }
}
