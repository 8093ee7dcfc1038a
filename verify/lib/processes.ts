import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export { freePort } from '../../apps/bff/src/test-support/free-port';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it answers true or `timeoutMs` passes. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Every child this run started, so an exit (even a crash of the runner) can end them. */
const running = new Set<ChildProcess>();

/** A Node process of the product (`apps/bff/src/main.ts`, the worker, the ML service) run through tsx. */
export class NodeProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  private log: WriteStream;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.child = this.spawn();
    this.exited = this.exitOf(this.child);
  }

  private spawn(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, this.script), ...this.args], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    running.add(child);
    return child;
  }

  private exitOf(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) =>
      child.once('exit', (code) => {
        running.delete(child);
        resolve(code);
      }),
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `kill -9`: no shutdown hook runs, exactly like a crash or an OOM kill. */
  async kill9(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and the process's own graceful shutdown; SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Starts the same command again (after a kill). */
  restart(): void {
    this.child = this.spawn();
    this.exited = this.exitOf(this.child);
  }

  tail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export async function waitHealthy(base: string, path = '/healthz', timeoutMs = 120_000): Promise<void> {
  await waitFor(`${base}${path}`, async () => (await fetch(`${base}${path}`)).ok, timeoutMs, 200);
}

/** Ends every child still running; called on exit paths of the runners. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}
