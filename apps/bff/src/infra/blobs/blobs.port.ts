/** Exports and reports: local files when embedded, any S3 API when scaled. */
export interface BlobStore {
  put(key: string, body: Buffer | string, contentType: string): Promise<void>;
  get(key: string): Promise<{ body: Buffer; contentType: string } | null>;
  delete(key: string): Promise<void>;
  ping(): Promise<void>;
}

/** Keys are ours (`exports/<user>/<id>.json`); anything that could climb out of the store is refused. */
export function assertSafeKey(key: string): void {
  if (
    !/^[A-Za-z0-9][A-Za-z0-9._/-]{0,511}$/.test(key) ||
    key.split('/').some((part) => part === '..' || part === '')
  ) {
    throw new Error(`unsafe blob key: ${JSON.stringify(key)}`);
  }
}
