import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import { registerBinanceAccount } from './binance/binance-account.routes';
import { registerBinanceKeys } from './binance/binance-keys.routes';
import { registerBinanceMarket } from './binance/binance-market.routes';
import { binanceError } from './binance/binance.errors';
import type { BinanceKeyRegistry } from './binance/binance-keys';
import { registerCoinbaseBrokerage } from './coinbase/coinbase-brokerage.routes';
import { registerCoinbaseOAuth } from './coinbase/coinbase-oauth.routes';
import { brokerageError, oauthError } from './coinbase/coinbase.errors';
import { familyOf, sandboxPath } from './core/paths';
import type { FaultController } from './faults/faults';
import { registerFaults } from './faults/faults.routes';
import type { SandboxOptions, SandboxState } from './sandbox.state';
import { createSandboxState } from './sandbox.state';
import { registerTwelveData } from './vendor/twelvedata.routes';
import { twelveDataError } from './vendor/twelvedata.errors';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Registers every sandbox route on `app` (inside its prefix) around the given state. */
async function registerSandbox(app: FastifyInstance, state: SandboxState): Promise<void> {
  // The host app may already parse forms (the BFF does); a second parser in a child context throws.
  if (!app.hasContentTypeParser(FORM_TYPE)) await app.register(formbody);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'broker sandbox request failed');
    const message = status >= 500 ? 'Internal error' : error.message;
    switch (familyOf(sandboxPath(request, app.prefix))) {
      case 'oauth':
        return oauthError(reply, status, status >= 500 ? 'server_error' : 'invalid_request', message);
      case 'coinbase':
        return brokerageError(reply, status, status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT', message);
      case 'binance':
        return binanceError(reply, status, status >= 500 ? -1000 : -1100, message);
      case 'vendor':
        return twelveDataError(reply, status, message);
      case 'sandbox':
        return reply
          .code(status)
          .send({ error: status >= 500 ? 'server_error' : 'invalid_request', message });
    }
  });

  registerFaults(app, state);
  registerCoinbaseOAuth(app, state);
  registerCoinbaseBrokerage(app, state);
  registerBinanceMarket(app, state);
  registerBinanceAccount(app, state);
  registerBinanceKeys(app, state);
  registerTwelveData(app, state);
}

/**
 * The broker sandbox as a Fastify plugin: a local exchange that speaks Coinbase's and Binance's
 * real wire formats, and a market-data vendor that speaks Twelve Data's. Register it under a prefix
 * (`app.register(sandboxPlugin, { prefix: '/sandbox' })`); its pages and redirects stay inside that
 * prefix. Each registration has its own state.
 */
export async function sandboxPlugin(app: FastifyInstance, opts: SandboxOptions): Promise<void> {
  await registerSandbox(app, createSandboxState(opts));
}

/** Handles a test or a script holds on a running sandbox besides its URL. */
export interface SandboxControls {
  faults: FaultController;
  binanceKeys: BinanceKeyRegistry;
}

async function buildSandboxApp(
  opts: SandboxOptions & { logger?: boolean },
): Promise<{ app: FastifyInstance; state: SandboxState }> {
  const app = Fastify({ logger: opts.logger ?? false });
  const state = createSandboxState(opts);
  await registerSandbox(app, state);
  return { app, state };
}

/** A standalone sandbox app with the plugin at `/`; not listening yet. */
export async function createSandboxApp(
  opts: SandboxOptions & { logger?: boolean } = {},
): Promise<FastifyInstance> {
  return (await buildSandboxApp(opts)).app;
}

/**
 * Starts a standalone sandbox (port 0 picks a free port) and answers its base URL, a way to stop
 * it, its fault controller and its Binance key registry.
 */
export async function startSandbox(
  opts: SandboxOptions & { port?: number; host?: string } = {},
): Promise<{ url: string; close(): Promise<void> } & SandboxControls> {
  const { app, state } = await buildSandboxApp(opts);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => app.close(),
    faults: state.faults,
    binanceKeys: state.binanceKeys,
  };
}
