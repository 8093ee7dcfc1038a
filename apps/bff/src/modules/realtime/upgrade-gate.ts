import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Lets only upgrade requests for `path` reach the WebSocket plugin, through `upgrades`: a server
 * that never listens and only relays them. Any other request that asks for an upgrade is answered
 * by the app as the plain request it also is, and its connection is closed once answered. Left to
 * itself @fastify/websocket routes every upgrade through the app, and an ordinary route that
 * answers one leaves the raw socket open for good (which also holds up shutdown).
 */
export function createUpgradeGate(
  server: Server,
  path: string,
  route: (request: IncomingMessage, response: ServerResponse) => void,
) {
  const upgrades = createServer();
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (request.url ?? '/').split('?')[0]!.replace(/(.)\/+$/, '$1');
    if (pathname === path) {
      upgrades.emit('upgrade', request, socket, head);
      return;
    }
    socket.on('error', () => socket.destroy());
    const response = new ServerResponse(request);
    response.assignSocket(socket as Socket);
    response.once('finish', () => {
      response.detachSocket(socket as Socket);
      socket.end();
    });
    route(request, response);
  };
  server.on('upgrade', onUpgrade);
  return {
    upgrades,
    close: () => server.off('upgrade', onUpgrade),
  };
}
