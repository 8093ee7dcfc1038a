import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';

/** Helpers shared by the job contract suite, its driver test files and the crash fixture. */

export const silentLogger = pino({ level: 'silent' });

export const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const CRASH_FIXTURE = fileURLToPath(new URL('./jobs.crash-fixture.ts', import.meta.url));

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface FixtureProcess {
  child: ChildProcess;
  /** What the process has written so far. */
  output(): string;
  /** Resolves with the exit code and everything the process wrote. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `jobs.crash-fixture.ts` in its own Node process (tsx as an ESM loader, as `npm start` runs). */
export function spawnCrashFixture(env: Record<string, string>): FixtureProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CRASH_FIXTURE], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, exited, output: () => `stdout: ${stdout}\nstderr: ${stderr}` };
}
