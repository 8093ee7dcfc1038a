import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { escapeHtml, pageHeaders } from '../coinbase/coinbase-consent.page';
import type { SandboxState } from '../sandbox.state';
import type { BinanceKey, RegisterResult } from './binance-keys';

/**
 * Where sandbox Binance keys come from: `POST /__sandbox/binance/keys` for tests and scripts, and
 * an HTML page at `/binance/api-keys` for people, like Binance's own API management page.
 */

const RegisterKeySchema = z
  .object({
    apiKey: z.string().max(128),
    secret: z.string().max(256).optional(),
  })
  .strict();

function describe(key: BinanceKey) {
  return {
    apiKey: key.apiKey,
    account: key.account,
    enableReading: true,
    enableSpotAndMarginTrading: key.enableSpotAndMarginTrading,
    enableWithdrawals: key.enableWithdrawals,
    createTime: key.createTimeMs,
  };
}

function keyPage(body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API keys – broker sandbox</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}label{display:block;font-weight:600;margin-top:1rem}input{font:inherit;width:100%;padding:.4rem}button{font:inherit;margin-top:1.25rem;padding:.5rem 1.2rem}code{background:#eef0f3;padding:0 .25rem;word-break:break-all}</style>
</head>
<body>
<main>
<h1>Sandbox Binance API keys</h1>
${body}
</main>
</body>
</html>
`;
}

const FORM = `<p>The key's name decides its permissions: a name containing <code>trade</code> can trade, one containing
<code>withdraw</code> can withdraw, any other is read-only. A name containing <code>bench</code> or <code>scale</code> reads that
account, any other reads <code>demo</code>.</p>
<form method="post" action="api-keys">
<label for="apiKey">Key name</label>
<input id="apiKey" name="apiKey" required maxlength="128" pattern="[A-Za-z0-9._\\-]+" autocomplete="off">
<label for="secret">Secret (optional; starts with sbx_sk_)</label>
<input id="secret" name="secret" maxlength="256" autocomplete="off">
<button type="submit">Create key</button>
</form>`;

function pageForResult(result: RegisterResult): { status: number; html: string } {
  if (result.kind === 'invalid' || result.kind === 'conflict') {
    return {
      status: result.kind === 'invalid' ? 400 : 409,
      html: keyPage(`<p role="alert">${escapeHtml(result.message)}</p>${FORM}`),
    };
  }
  const { key } = result;
  const permission = key.enableWithdrawals
    ? 'reading, trading and withdrawals'
    : key.enableSpotAndMarginTrading
      ? 'reading and spot trading'
      : 'reading only';
  return {
    status: result.kind === 'created' ? 201 : 200,
    html: keyPage(`<p>Key ready (${escapeHtml(permission)}; account <code>${key.account}</code>).</p>
<dl><dt>API key</dt><dd><code>${escapeHtml(key.apiKey)}</code></dd><dt>Secret</dt><dd><code>${escapeHtml(key.secret)}</code></dd></dl>
<p><a href="api-keys">Create another key</a></p>`),
  };
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(pageHeaders()).send(html);
}

export function registerBinanceKeys(app: FastifyInstance, state: SandboxState): void {
  app.post('/__sandbox/binance/keys', async (request, reply) => {
    const parsed = RegisterKeySchema.safeParse(request.body);
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', message: 'Send { apiKey, secret? }.' });
    const result = state.binanceKeys.register(parsed.data.apiKey, parsed.data.secret);
    if (result.kind === 'invalid')
      return reply.code(400).send({ error: 'invalid_request', message: result.message });
    if (result.kind === 'conflict')
      return reply.code(409).send({ error: 'conflict', message: result.message });
    return reply
      .code(result.kind === 'created' ? 201 : 200)
      .send({ ...describe(result.key), secret: result.key.secret });
  });

  app.get('/__sandbox/binance/keys', async () => ({ keys: state.binanceKeys.list().map(describe) }));

  app.get('/binance/api-keys', async (_request, reply) => sendPage(reply, 200, keyPage(FORM)));

  app.post('/binance/api-keys', async (request, reply) => {
    const parsed = RegisterKeySchema.safeParse(request.body);
    if (!parsed.success) return sendPage(reply, 400, keyPage(`<p role="alert">Enter a key name.</p>${FORM}`));
    const secret = parsed.data.secret?.trim() ? parsed.data.secret.trim() : undefined;
    const { status, html } = pageForResult(state.binanceKeys.register(parsed.data.apiKey.trim(), secret));
    return sendPage(reply, status, html);
  });
}
