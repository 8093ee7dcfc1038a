export { sandboxPlugin, createSandboxApp, startSandbox } from './sandbox.app';
export type { SandboxControls } from './sandbox.app';
export type { SandboxOptions } from './sandbox.state';
export { SANDBOX_ACCOUNTS } from './traders/trader.accounts';
export type { SandboxAccount } from './traders/trader.accounts';
export { FaultController } from './faults/faults';
export type { ActiveFault, FaultRule } from './faults/faults';
export type { BinanceKeyRegistry, BinanceKey, RegisterResult } from './binance/binance-keys';
