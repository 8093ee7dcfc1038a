import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { keyStoreFrom, type KeyStore } from './key-store.port';

interface KeyFile {
  keys: { id: string; key: string; createdAt: string }[];
}

const FILE = 'master.key';

function read(path: string): KeyFile {
  return JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
}

function write(path: string, file: KeyFile): void {
  writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600 });
  chmodSync(path, 0o600);
}

function toStore(file: KeyFile): KeyStore {
  return keyStoreFrom(file.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })));
}

/** Embedded mode: a master key generated once into `<dir>/master.key` with mode 0600. */
export function loadFileKeyStore(dir: string): KeyStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, FILE);
  if (!existsSync(path)) {
    write(path, {
      keys: [{ id: 'k1', key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() }],
    });
  }
  return toStore(read(path));
}

/** Adds a new newest key (for `npm run keys:rotate`); older keys stay so existing records still open. */
export function addFileKey(dir: string): KeyStore {
  const path = join(dir, FILE);
  const file = read(path);
  const next = `k${file.keys.length + 1}`;
  file.keys.push({ id: next, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() });
  write(path, file);
  return toStore(file);
}
