export {
  createBrokerConnectionsService,
  type ActiveConnection,
  type BrokerAudit,
  type BrokerConnectionsService,
  type BrokerServiceDeps,
  type FetchFillsOptions,
} from './brokers.service';
export {
  createBrokerConnectService,
  oauthRedirectUri,
  type BrokerConnectDeps,
  type BrokerConnectService,
} from './brokers-connect.service';
export { brokersRoutes, type BrokersRoutesOptions } from './brokers.routes';
export { BrokersErrors, CALLBACK_FAILURES, type CallbackFailure } from './brokers.errors';
export { rewrapBrokerConnections, type RewrapOptions, type RewrapSummary } from './brokers.rewrap';
