import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readAhead } from './read-ahead';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('readAhead', () => {
  it('yields every item in order, whatever the item count', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { maxLength: 30 }), async (items) => {
        async function* source() {
          for (const item of items) {
            await tick();
            yield item;
          }
        }
        const seen: number[] = [];
        for await (const item of readAhead(source())) seen.push(item);
        expect(seen).toEqual(items);
      }),
      { numRuns: 30 },
    );
  });

  it('asks for the next item while the current one is being consumed, never two ahead', async () => {
    const log: string[] = [];
    async function* source() {
      for (let i = 0; i < 3; i++) {
        log.push(`fetch ${i}`);
        await tick();
        yield i;
      }
    }
    for await (const item of readAhead(source())) {
      log.push(`store ${item} start`);
      await tick();
      await tick();
      log.push(`store ${item} end`);
    }
    expect(log).toEqual([
      'fetch 0',
      'fetch 1',
      'store 0 start',
      'store 0 end',
      'fetch 2',
      'store 1 start',
      'store 1 end',
      'store 2 start',
      'store 2 end',
    ]);
  });

  it("rethrows the source's failure where the item would have been, after the items before it", async () => {
    async function* source() {
      yield 1;
      await tick();
      throw new Error('page 2 failed');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(source())) {
          seen.push(item);
          await tick();
          await tick();
        }
      })(),
    ).rejects.toThrow('page 2 failed');
    expect(seen).toEqual([1]);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const item of readAhead(source())) if (item === 2) break;
    expect(closed).toBe(true);
  });
});
