export * from './schema';
export * from './database';
export * from './json-rows';
export * from './any-uuid';
