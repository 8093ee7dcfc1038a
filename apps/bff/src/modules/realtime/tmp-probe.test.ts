import { it } from 'vitest';
import { startTestHub, HUB_ORIGIN } from './realtime.plugin.test-support';
import { connectSocket } from './realtime.test-support';

it('probe', async () => {
  for (const connect of [false, true]) {
    let t = Date.now();
    const hub = await startTestHub({ reauthMs: 60, reauthJitter: 0 });
    console.log('start', Date.now() - t); t = Date.now();
    if (connect) {
      const client = await connectSocket(hub.base, { cookie: hub.cookieFor('u1', 's1'), origin: HUB_ORIGIN });
      console.log(await client.closed, Date.now() - t); t = Date.now();
    }
    console.error('closing', Date.now()); await hub.close();
    console.log('close', Date.now() - t);
  }
});
