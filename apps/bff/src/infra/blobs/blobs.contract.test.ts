import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileBlobStore } from './file-blob-store';
import { createS3BlobStore } from './s3-blob-store';
import type { BlobStore } from './blobs.port';
import { startFakeS3 } from '../../test-support/fake-s3';

let dir: string;
let s3: Awaited<ReturnType<typeof startFakeS3>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tt-blobs-'));
  s3 = await startFakeS3('exports');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await s3.app.close();
});

const drivers: [string, () => BlobStore][] = [
  ['files', () => createFileBlobStore(dir)],
  [
    's3',
    () =>
      createS3BlobStore({
        endpoint: s3.url,
        bucket: 'exports',
        region: 'us-east-1',
        accessKeyId: 'a',
        secretAccessKey: 'b',
      }),
  ],
];

describe.each(drivers)('BlobStore contract (%s)', (_name, make) => {
  it('stores and returns bytes with their content type', async () => {
    const store = make();
    await store.put('exports/u1/a.json', '{"x":1}', 'application/json');
    const got = await store.get('exports/u1/a.json');
    expect(got?.body.toString()).toBe('{"x":1}');
    // A server may add parameters such as a charset; the media type must survive.
    expect(got?.contentType.split(';')[0]).toBe('application/json');
  });

  it('answers null for a missing key and after delete', async () => {
    const store = make();
    expect(await store.get('exports/none.json')).toBeNull();
    await store.put('exports/u1/b.json', 'b', 'text/plain');
    await store.delete('exports/u1/b.json');
    expect(await store.get('exports/u1/b.json')).toBeNull();
  });

  it('refuses keys that could escape the store', async () => {
    const store = make();
    await expect(store.put('../etc/passwd', 'x', 'text/plain')).rejects.toThrow(/unsafe blob key/);
    await expect(store.get('exports/../../x')).rejects.toThrow(/unsafe blob key/);
  });

  it('answers ping when reachable', async () => {
    await expect(make().ping()).resolves.toBeUndefined();
  });
});
