import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';

/** One verdict: what was checked, whether it held, and what was seen (kept short). */
export interface Check {
  name: string;
  pass: boolean;
  details?: unknown;
}

/**
 * A section of a report (one scenario, one test family): its checks and its figures. A section
 * passes when every check in it passes; a section with no check fails, so a scenario that forgot
 * to assert anything cannot look green.
 */
export class Section {
  readonly checks: Check[] = [];
  readonly figures: Record<string, unknown> = {};
  private started = performance.now();
  durationMs = 0;
  error: string | undefined;

  constructor(readonly name: string) {}

  check(name: string, pass: boolean, details?: unknown): boolean {
    this.checks.push(details === undefined ? { name, pass } : { name, pass, details });
    return pass;
  }

  /** Equality check whose details show both sides. */
  equal(name: string, actual: unknown, expected: unknown): boolean {
    return this.check(name, Object.is(actual, expected), { actual, expected });
  }

  figure(name: string, value: unknown): void {
    this.figures[name] = value;
  }

  fail(error: unknown): void {
    this.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }

  finish(): void {
    this.durationMs = Math.round(performance.now() - this.started);
  }

  get pass(): boolean {
    return this.error === undefined && this.checks.length > 0 && this.checks.every((c) => c.pass);
  }

  toJSON() {
    const failed = this.checks.filter((c) => !c.pass);
    return {
      name: this.name,
      pass: this.pass,
      durationMs: this.durationMs,
      checks: {
        total: this.checks.length,
        passed: this.checks.length - failed.length,
        failed: failed.length,
      },
      figures: this.figures,
      ...(failed.length > 0 ? { failures: failed } : {}),
      ...(this.error ? { error: this.error } : {}),
      details: this.checks.filter((c) => c.pass && c.details !== undefined),
    };
  }
}

/**
 * Longest a section may run before it is failed and the run moves on. Every wait inside a section
 * has its own, shorter timeout (an import gets 4 minutes, a retried one 3 more); this catches the
 * wait that has none, so that one hang costs one section, named, not the whole report.
 */
export const SECTION_TIME_LIMIT_MS = 8 * 60_000;

let running: { name: string; since: number } | undefined;

/** What a run's overall deadline names when it fires: the section in progress, and for how long. */
export function describeRunningSection(): string {
  if (!running) return 'no section was running';
  return `"${running.name}" had been running for ${Math.round((performance.now() - running.since) / 1000)} s`;
}

/** Runs `body` inside a section; an exception, or outliving `limitMs`, fails the section instead of ending the run. */
export async function runSection(
  sections: Section[],
  name: string,
  body: (section: Section) => Promise<void>,
  limitMs = SECTION_TIME_LIMIT_MS,
): Promise<Section> {
  const section = new Section(name);
  sections.push(section);
  process.stderr.write(`▶ ${name} (${new Date().toISOString()})\n`);
  running = { name, since: performance.now() };
  let timer: NodeJS.Timeout | undefined;
  const outlived = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`section still running after its ${limitMs / 1000} s limit; abandoned`)),
      limitMs,
    );
  });
  try {
    await Promise.race([body(section), outlived]);
  } catch (error) {
    section.fail(error);
  } finally {
    clearTimeout(timer);
    running = undefined;
  }
  section.finish();
  const verdict = section.pass ? 'pass' : 'FAIL';
  process.stderr.write(`  ${verdict} ${name} (${section.checks.length} checks, ${section.durationMs} ms)\n`);
  if (!section.pass) {
    for (const failed of section.checks.filter((c) => !c.pass))
      process.stderr.write(`    ✗ ${failed.name}: ${JSON.stringify(failed.details ?? null).slice(0, 600)}\n`);
    if (section.error) process.stderr.write(`    error: ${section.error.slice(0, 1500)}\n`);
  }
  return section;
}

export interface ReportEnvelope {
  suite: string;
  mode: string;
  startedAt: string;
  environment: Record<string, unknown>;
  sections: Section[];
  summary?: Record<string, unknown>;
}

/** Writes verify/results/<suite>.json (Prettier-formatted, so the repo's format check holds) and prints it. */
export async function writeReport(fileName: string, envelope: ReportEnvelope): Promise<boolean> {
  const pass = envelope.sections.length > 0 && envelope.sections.every((s) => s.pass);
  const checks = envelope.sections.reduce((n, s) => n + s.checks.length, 0);
  const failedChecks = envelope.sections.reduce((n, s) => n + s.checks.filter((c) => !c.pass).length, 0);
  const report = {
    suite: envelope.suite,
    mode: envelope.mode,
    pass,
    startedAt: envelope.startedAt,
    finishedAt: new Date().toISOString(),
    totals: {
      sections: envelope.sections.length,
      sectionsFailed: envelope.sections.filter((s) => !s.pass).map((s) => s.name),
      checks,
      checksFailed: failedChecks,
    },
    ...(envelope.summary ? { summary: envelope.summary } : {}),
    environment: envelope.environment,
    sections: envelope.sections.map((s) => s.toJSON()),
  };
  const json = await format(JSON.stringify(report), { parser: 'json', printWidth: 110 });
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${fileName}`, json);
  process.stdout.write(json);
  return pass;
}
