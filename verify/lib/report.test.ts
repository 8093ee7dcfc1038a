import { describe, expect, it, vi } from 'vitest';
import { describeRunningSection, runSection, type Section } from './report';

describe('runSection', () => {
  vi.spyOn(process.stderr, 'write').mockReturnValue(true);

  it('passes a section whose checks all hold', async () => {
    const sections: Section[] = [];
    const section = await runSection(sections, 'holds', async (s) => {
      s.equal('one is one', 1, 1);
    });
    expect(section.pass).toBe(true);
    expect(sections).toEqual([section]);
  });

  it('fails a section that throws, keeping the error, and the run goes on', async () => {
    const section = await runSection([], 'throws', async () => {
      throw new Error('/api/auth/login answered 429');
    });
    expect(section.pass).toBe(false);
    expect(section.error).toContain('answered 429');
  });

  it('fails a section with no check, so a scenario that asserts nothing cannot pass', async () => {
    expect((await runSection([], 'empty', async () => undefined)).pass).toBe(false);
  });

  it('abandons a section that outlives its limit, naming the limit, instead of hanging the run', async () => {
    let seenWhileRunning = '';
    const started = performance.now();
    const section = await runSection(
      [],
      'never ends',
      (s) => {
        s.check('reached the fault point', true);
        seenWhileRunning = describeRunningSection();
        return new Promise<void>(() => undefined);
      },
      60,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(section.pass).toBe(false);
    expect(section.error).toContain('limit; abandoned');
    expect(seenWhileRunning).toMatch(/^"never ends" had been running for \d+ s$/);
    expect(describeRunningSection()).toBe('no section was running');
  });
});
