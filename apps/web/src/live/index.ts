export {
  CoachCommandError,
  coachSocketUrl,
  createCoachSocket,
  type CoachSocket,
  type CoachSocketOptions,
  type CoachSocketStatus,
  type CoachSocketStatusInfo,
  type CommandOf,
  type NetworkWatch,
  type SyncLostReason,
  type WebSocketLike,
} from './coach-socket';
export { reconnectDelay, type BackoffOptions } from './backoff';
