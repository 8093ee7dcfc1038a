import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { assertSafeKey, type BlobStore } from './blobs.port';

export function createFileBlobStore(dir: string): BlobStore {
  const pathOf = (key: string) => {
    assertSafeKey(key);
    return join(dir, key);
  };
  return {
    put: async (key, body, contentType) => {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // Write then rename, so a reader never sees half a file.
      const tmp = `${path}.${randomUUID()}.tmp`;
      await writeFile(tmp, body, { mode: 0o600 });
      await writeFile(`${tmp}.type`, contentType, { mode: 0o600 });
      await rename(`${tmp}.type`, `${path}.type`);
      await rename(tmp, path);
    },
    get: async (key) => {
      const path = pathOf(key);
      try {
        const [body, contentType] = await Promise.all([readFile(path), readFile(`${path}.type`, 'utf8')]);
        return { body, contentType };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    delete: async (key) => {
      const path = pathOf(key);
      await rm(path, { force: true });
      await rm(`${path}.type`, { force: true });
    },
    ping: async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    },
  };
}
