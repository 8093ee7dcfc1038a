import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { z } from 'zod';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { createLogger } from '../logger';
import { createEmbeddedJobQueue, PermanentJobError, type JobDefinition, type JobQueue } from '../infra/jobs';
import { waitFor } from '../infra/jobs/jobs.test-support';
import requestScope from './request-scope.plugin';
import { withJobContext } from './job-context';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openDatabase({ driver: 'pglite', dataDir: null });
});
afterAll(() => handle.close());

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

function openQueue(logger: ReturnType<typeof createLogger>): { inner: JobQueue; jobs: JobQueue } {
  const inner = createEmbeddedJobQueue({
    db: handle.db,
    driver: 'pglite',
    logger,
    pollMs: 10,
    maxPollMs: 20,
  });
  return { inner, jobs: withJobContext(inner, { tracing: false }) };
}

describe('withJobContext', () => {
  it('follows one request id from the HTTP request into its job and the job that job enqueues', async () => {
    const { logger, lines } = capturedLogger();
    const { jobs } = openQueue(logger);
    const seen: string[] = [];
    const second: JobDefinition<{ n: number }> = {
      queue: 'q_score',
      name: 'test.second',
      payload: z.object({ n: z.number() }),
      async handle(job) {
        seen.push(`second:${job.payload.n}`);
        job.log.info('second ran');
      },
    };
    const first: JobDefinition<{ n: number }> = {
      queue: 'q_import',
      name: 'test.first',
      payload: z.object({ n: z.number() }),
      async handle(job) {
        seen.push(`first:${job.payload.n}`);
        await jobs.enqueue(second, { n: job.payload.n + 1 });
      },
    };
    jobs.register(first);
    jobs.register(second);
    await jobs.start();
    const app = Fastify({ loggerInstance: logger, requestIdHeader: 'x-request-id' });
    await app.register(requestScope, { tracing: false });
    app.post('/go', async () => jobs.enqueue(first, { n: 1 }));
    const response = await app.inject({
      method: 'POST',
      url: '/go',
      headers: { 'x-request-id': 'req-followed-1' },
    });
    expect(response.statusCode).toBe(200);
    await waitFor('both jobs', () => seen.length === 2);
    await jobs.stop();
    await app.close();

    expect(seen).toEqual(['first:1', 'second:2']);
    const jobLines = lines.filter((line) => line.job === 'test.first' || line.job === 'test.second');
    expect(jobLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['job started', 'job finished', 'second ran']),
    );
    const httpLines = lines.filter((line) => line.msg === 'incoming request');
    expect(httpLines).toHaveLength(1);
    // Fastify logs the request's id as `reqId`; the job lines carry the same key and value.
    expect(new Set([...httpLines, ...jobLines].map((line) => line.reqId))).toEqual(
      new Set(['req-followed-1']),
    );
  });

  it('runs a job stored without an envelope, and lists dead letters with their own payload', async () => {
    const { logger } = capturedLogger();
    const { inner, jobs } = openQueue(logger);
    const handled: unknown[] = [];
    const definition: JobDefinition<{ id: string }> = {
      queue: 'q_sim',
      name: 'test.legacy',
      payload: z.object({ id: z.string() }),
      async handle(job) {
        handled.push(job.payload);
        throw new PermanentJobError('no');
      },
    };
    jobs.register(definition);
    await inner.enqueue(definition, { id: 'before-envelopes' });
    await jobs.enqueue(definition, { id: 'enveloped' });
    await jobs.start();
    await waitFor('both dead', async () => (await jobs.stats('q_sim')).dead === 2);
    await jobs.stop();

    expect(handled).toEqual(expect.arrayContaining([{ id: 'before-envelopes' }, { id: 'enveloped' }]));
    const letters = await jobs.deadLetters('q_sim');
    expect(letters.map((letter) => letter.payload)).toEqual(
      expect.arrayContaining([{ id: 'before-envelopes' }, { id: 'enveloped' }]),
    );
  });
});
