import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createTestApp, type TestApp } from '../test-support/test-app';

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp({ worker: false });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await t.close();
});

function raw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

describe('errors before any route', () => {
  it('answers a path whose percent-encoding does not decode with a 400 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/%c0%ae%c0%ae/etc/passwd' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 400, code: 'HTTP.FST_ERR_BAD_URL' });
  });

  it('answers bytes the HTTP parser refuses with a problem, then closes the connection', async () => {
    const malformed = await raw('GET /api/trades HTTP/1.1 extra\r\nHost: x\r\n\r\n');
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(malformed).toMatch(/Content-Type: application\/problem\+json/);
    expect(JSON.parse(malformed.split('\r\n\r\n')[1]!)).toMatchObject({
      status: 400,
      code: 'HTTP.BAD_REQUEST',
    });

    const oversized = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(oversized).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(oversized.split('\r\n\r\n')[1]!)).toMatchObject({
      status: 431,
      code: 'HTTP.HEADERS_TOO_LARGE',
    });
  });
});
