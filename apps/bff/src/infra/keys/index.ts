export type { KeyStore } from './key-store.port';
export { keyStoreFrom, parseKeySpec } from './key-store.port';
export { loadFileKeyStore, addFileKey } from './file-key-store';
export { createVault, type Vault, type SealedValue } from './vault';
