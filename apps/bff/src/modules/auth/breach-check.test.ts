import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logger';
import { createHibpBreachCheck } from './breach-check';

const logger = createLogger('silent');
const sha1 = (value: string) => createHash('sha1').update(value).digest('hex').toUpperCase();

describe('createHibpBreachCheck', () => {
  it('sends only the first five hex digits of the SHA-1, asks for padding, and matches the suffix', async () => {
    const password = 'correct horse battery staple';
    const digest = sha1(password);
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, headers: init.headers as Record<string, string> });
      return new Response(`0000000000000000000000000000000000A:0\r\n${digest.slice(5)}:42\r\n`, {
        status: 200,
      });
    }) as unknown as typeof fetch;
    const check = createHibpBreachCheck({ logger, fetch: fakeFetch });
    expect(await check.isBreached(password)).toBe(true);
    expect(calls[0]?.url).toBe(`https://api.pwnedpasswords.com/range/${digest.slice(0, 5)}`);
    expect(calls[0]?.url).not.toContain(digest.slice(5));
    expect(calls[0]?.headers['add-padding']).toBe('true');
  });

  it('does not count a padding entry with a zero count as a breach', async () => {
    const digest = sha1('another long passphrase');
    const fakeFetch = (async () => new Response(`${digest.slice(5)}:0\n`)) as unknown as typeof fetch;
    expect(
      await createHibpBreachCheck({ logger, fetch: fakeFetch }).isBreached('another long passphrase'),
    ).toBe(false);
  });

  it('fails open when the service errs or does not answer in time', async () => {
    const failing = (async () => new Response('', { status: 503 })) as unknown as typeof fetch;
    expect(await createHibpBreachCheck({ logger, fetch: failing }).isBreached('whatever it is')).toBe(false);
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      )) as unknown as typeof fetch;
    const started = Date.now();
    expect(
      await createHibpBreachCheck({ logger, fetch: hanging, timeoutMs: 50 }).isBreached('whatever it is'),
    ).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
