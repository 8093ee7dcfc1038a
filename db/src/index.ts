export * from './schema';
export * from './database';
