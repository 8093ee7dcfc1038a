import { it } from 'vitest';
import Fastify from 'fastify';
import websocket from '@fastify/websocket';
import WebSocket from 'ws';

it('probe2', async () => {
  const app = Fastify();
  await app.register(websocket, { options: { maxPayload: 16384, perMessageDeflate: false } });
  let t = 0;
  app.get('/ws', { websocket: true, preHandler: async () => { await new Promise((r) => setTimeout(r, 5)); } }, (socket) => {
    socket.on('close', () => console.error('server close after', Date.now() - t));
    socket._socket.on('end', () => console.error('raw end', Date.now() - t));
    socket._socket.on('close', () => console.error('raw close', Date.now() - t));
    setTimeout(() => { t = Date.now(); socket.close(4002, 'x'); }, 20);
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const ws = new WebSocket(base.replace('http', 'ws') + '/ws');
  await new Promise((r) => ws.on('close', (c) => { console.error('client close', c, Date.now() - t); r(null); }));
  await new Promise((r) => setTimeout(r, 3000));
  await app.close();
});
