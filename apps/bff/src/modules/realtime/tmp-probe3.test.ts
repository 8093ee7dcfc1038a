import { it } from 'vitest';
import WebSocket from 'ws';
import { startTestHub, HUB_ORIGIN } from './realtime.plugin.test-support';
import { socketUrl } from './realtime.test-support';

it('probe3', async () => {
  const hub = await startTestHub({ reauthMs: 60, reauthJitter: 0 });
  const cookie = hub.cookieFor('u1', 's1');
  const t = Date.now();
  const ws = new WebSocket(socketUrl(hub.base), { headers: { cookie, origin: HUB_ORIGIN } });
  await new Promise((r) => ws.on('close', (c) => { console.error('client close', c, Date.now() - t); r(null); }));
  await new Promise((r) => setTimeout(r, 2500));
  await hub.close();
});
