import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsCloseCode } from '@tt/shared';
import { createTempDatabase, type TempDatabase } from '../../test-support/temp-database';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { TEST_ORIGIN, mutationHeaders, signUpAndLogIn } from '../auth/auth.test-support';
import { connectSocket, cookieHeader, untilStarted } from './realtime.test-support';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two BFF processes (scaled drivers) sharing one PostgreSQL database and one Redis. */
describe('coach sockets across two BFF processes on Redis and PostgreSQL', () => {
  let database: TempDatabase;
  let one: TestApp;
  let two: TestApp;
  let baseOne: string;
  let baseTwo: string;
  let addresses = 0;

  beforeAll(async () => {
    database = await createTempDatabase('tt_ws');
    const env = { REDIS_URL, DATABASE_URL: database.url };
    one = await createTestApp({ env, worker: false });
    two = await createTestApp({ env, worker: false });
    baseOne = await one.app.listen({ port: 0, host: '127.0.0.1' });
    baseTwo = await two.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  const trader = async () => {
    const { client, userId } = await signUpAndLogIn(one.app, { remoteAddress: `10.1.0.${++addresses}` });
    return { client, userId, cookie: cookieHeader(client.cookies) };
  };
  const digest = (n: number) => ({ digestId: `d${n}`, periodStart: '2026-11-16', periodEnd: '2026-11-23' });

  it('delivers an event raised in one process to sockets on both', async () => {
    const { userId, cookie } = await trader();
    const onOne = await connectSocket(baseOne, { cookie, origin: TEST_ORIGIN });
    const onTwo = await connectSocket(baseTwo, { cookie, origin: TEST_ORIGIN });
    // No resume point: whatever reaches the socket on process two came over Redis pub/sub.
    await untilStarted(two.app, userId);
    await untilStarted(one.app, userId);
    const event = await one.services.events.raise(userId, 'digest.ready', digest(1));
    expect(await onTwo.next((m) => m.id === event.id)).toMatchObject({
      type: 'digest.ready',
      digestId: 'd1',
    });
    expect(await onOne.next((m) => m.id === event.id)).toMatchObject({ type: 'digest.ready' });
    await onOne.close();
    await onTwo.close();
  });

  it('resumes on the other process exactly where the client left off', async () => {
    const { userId, cookie } = await trader();
    const first = await connectSocket(baseOne, { cookie, origin: TEST_ORIGIN });
    await untilStarted(one.app, userId);
    for (let i = 1; i <= 3; i++) await one.services.events.raise(userId, 'digest.ready', digest(i));
    await first.waitForCount(3);
    await first.close();
    for (let i = 4; i <= 8; i++) await one.services.events.raise(userId, 'digest.ready', digest(i));
    const second = await connectSocket(baseTwo, {
      cookie,
      origin: TEST_ORIGIN,
      lastEventId: Number(first.messages[2]!.id),
    });
    await second.waitForCount(5);
    const live = await one.services.events.raise(userId, 'digest.ready', digest(9));
    await second.next((m) => m.id === live.id);
    expect(second.messages.map((m) => (m as { digestId: string }).digestId)).toEqual([
      'd4',
      'd5',
      'd6',
      'd7',
      'd8',
      'd9',
    ]);
    await second.close();
  });

  it('closes a socket on one process when the session logs out through the other', async () => {
    const { client, userId, cookie } = await trader();
    const onTwo = await connectSocket(baseTwo, { cookie, origin: TEST_ORIGIN });
    await untilStarted(two.app, userId);
    await client.request({ method: 'POST', url: '/api/auth/logout', headers: await mutationHeaders(client) });
    expect((await onTwo.closed).code).toBe(WsCloseCode.SESSION_ENDED);
  });

  it('counts the five sockets of a user across both processes', async () => {
    const { cookie } = await trader();
    const sockets = [];
    for (let i = 0; i < 5; i++)
      sockets.push(await connectSocket(i % 2 ? baseTwo : baseOne, { cookie, origin: TEST_ORIGIN }));
    const sixth = await connectSocket(baseTwo, { cookie, origin: TEST_ORIGIN });
    expect((await sixth.closed).code).toBe(WsCloseCode.TOO_MANY_CONNECTIONS);
    for (const socket of sockets) await socket.close();
  });
});
