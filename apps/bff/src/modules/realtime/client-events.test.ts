import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { biasTags, notes, reflections, trades } from '@tt/db';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { TEST_ORIGIN, signUpAndLogIn } from '../auth/auth.test-support';
import { connectSocket, cookieHeader } from './realtime.test-support';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await createTestApp({ worker: false });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

// Sign-ups are limited per IP (blueprint §3): each trader comes from an address of its own.
let addresses = 0;

async function trader() {
  const { client, userId } = await signUpAndLogIn(t.app, { remoteAddress: `10.2.0.${++addresses}` });
  return { userId, cookie: cookieHeader(client.cookies) };
}

const open = (cookie: string) => connectSocket(base, { cookie, origin: TEST_ORIGIN });

async function seedTrade(userId: string, tagged: boolean) {
  const db = t.platform.database.db;
  const [trade] = await db
    .insert(trades)
    .values({
      userId,
      broker: 'coinbase',
      extId: `fill-${Math.random()}`,
      symbol: 'BTC-USD',
      side: 'BUY',
      qty: '0.5',
      price: '64000',
      ts: new Date('2026-11-20T10:00:00Z'),
    })
    .returning();
  if (tagged) {
    await db.insert(biasTags).values({
      tradeId: trade!.id,
      userId,
      label: 'FOMO',
      confidence: 0.8,
      reasons: ['Bought after a 9 % rise in 24 h'],
      features: { RSI_14: 78, pct_change_24h_before: 0.09, BB_pos: 1.1, side: 'BUY', symbol: 'BTC-USD' },
    });
  }
  return trade!.id;
}

describe('coach socket commands on the whole BFF', () => {
  it('answers chat.ask_reflection with a new chat reflection stored for the trade', async () => {
    const { userId, cookie } = await trader();
    const tradeId = await seedTrade(userId, true);
    const socket = await open(cookie);
    socket.send({ type: 'chat.ask_reflection', requestId: 'ask-1', tradeId, tone: 'strict' });
    const ack = await socket.next((m) => m.type === 'ack' || m.type === 'error');
    expect(ack).toMatchObject({
      type: 'ack',
      for: 'chat.ask_reflection',
      requestId: 'ask-1',
      reflection: { tradeId, tone: 'strict' },
    });
    const reflection = (ack as { reflection: { id: string; text: string } }).reflection;
    expect(reflection.text.length).toBeGreaterThan(10);
    const [row] = await t.platform.database.db
      .select()
      .from(reflections)
      .where(eq(reflections.id, reflection.id));
    expect(row).toMatchObject({ userId, tradeId, source: 'chat', tone: 'strict', text: reflection.text });

    socket.send({ type: 'chat.feedback', requestId: 'fb-1', reflectionId: reflection.id, value: 'down' });
    expect(await socket.next()).toMatchObject({
      type: 'ack',
      for: 'chat.feedback',
      requestId: 'fb-1',
      value: 'down',
    });
    const [voted] = await t.platform.database.db
      .select()
      .from(reflections)
      .where(eq(reflections.id, reflection.id));
    expect(voted!.feedback).toBe('down');

    const untagged = await seedTrade(userId, false);
    socket.send({ type: 'chat.ask_reflection', requestId: 'ask-2', tradeId: untagged, tone: 'supportive' });
    expect(await socket.next()).toMatchObject({
      type: 'error',
      requestId: 'ask-2',
      problem: { code: 'WS.TRADE_NOT_SCORED' },
    });
    await socket.close();
  });

  it("stores a journal note verbatim and refuses notes, reflections and feedback on another user's data", async () => {
    const owner = await trader();
    const intruder = await trader();
    const tradeId = await seedTrade(owner.userId, true);
    const ownerSocket = await open(owner.cookie);
    const text = '<img src=x onerror=alert(1)> "FOMO" again & again\n';
    ownerSocket.send({ type: 'note.add', requestId: 'n-1', tradeId, text });
    const ack = await ownerSocket.next();
    expect(ack).toMatchObject({ type: 'ack', for: 'note.add', requestId: 'n-1', note: { tradeId, text } });
    const stored = await t.platform.database.db.select().from(notes).where(eq(notes.tradeId, tradeId));
    expect(stored.map((n) => n.text)).toEqual([text]);

    ownerSocket.send({ type: 'chat.ask_reflection', requestId: 'ask', tradeId, tone: 'supportive' });
    const reflectionId = ((await ownerSocket.next()) as { reflection: { id: string } }).reflection.id;

    const intruderSocket = await open(intruder.cookie);
    intruderSocket.send({ type: 'note.add', requestId: 'x-1', tradeId, text: 'mine now' });
    intruderSocket.send({ type: 'chat.ask_reflection', requestId: 'x-2', tradeId, tone: 'strict' });
    intruderSocket.send({ type: 'chat.feedback', requestId: 'x-3', reflectionId, value: 'up' });
    await intruderSocket.waitForCount(3);
    const byRequest = Object.fromEntries(
      intruderSocket.messages.map((m) => [
        (m as { requestId: string }).requestId,
        (m as { problem?: { code: string } }).problem?.code,
      ]),
    );
    expect(byRequest).toEqual({
      'x-1': 'TRADES.NOT_FOUND',
      'x-2': 'TRADES.NOT_FOUND',
      'x-3': 'WS.REFLECTION_NOT_FOUND',
    });
    const [untouched] = await t.platform.database.db
      .select()
      .from(reflections)
      .where(and(eq(reflections.id, reflectionId), eq(reflections.userId, owner.userId)));
    expect(untouched!.feedback).toBeNull();
    expect(await t.platform.database.db.select().from(notes).where(eq(notes.tradeId, tradeId))).toHaveLength(
      1,
    );
    await ownerSocket.close();
    await intruderSocket.close();
  });
});
