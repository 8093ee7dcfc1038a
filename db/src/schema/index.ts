export * from './users';
export * from './brokers';
export * from './trades';
export * from './activity';
