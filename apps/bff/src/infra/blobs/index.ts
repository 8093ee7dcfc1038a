export type { BlobStore } from './blobs.port';
export { createFileBlobStore } from './file-blob-store';
