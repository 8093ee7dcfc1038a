import Fastify from 'fastify';

/** What the fake answers to one request. */
export type FakeLlmAnswer = 'good' | 'advice' | 'garbage' | 'wrong-shape' | 'timeout' | 'http-500';

export const GOOD_TEXT =
  'You bought after an 11.2 % run-up with RSI(14) at 78. Next time, set a 15-minute timer before any entry after a spike.';

export interface FakeLlmServer {
  baseUrl: string;
  /** Answers for the next requests, in order; `good` once they run out. */
  script: FakeLlmAnswer[];
  requests: { authorization: string | undefined; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

function completion(content: string) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content } }],
  };
}

/** A local OpenAI-compatible `POST /v1/chat/completions` that answers from a script. */
export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const app = Fastify({ logger: false });
  const held: (() => void)[] = [];
  const server: FakeLlmServer = {
    baseUrl: '',
    script: [],
    requests: [],
    async close() {
      for (const release of held) release();
      await app.close();
    },
  };
  app.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    server.requests.push({ authorization: request.headers.authorization, body });
    const user = JSON.parse((body.messages as { content: string }[])[1]!.content) as {
      tone: string;
      bias: string;
    };
    const answer = server.script.shift() ?? 'good';
    switch (answer) {
      case 'good':
        return completion(JSON.stringify({ text: GOOD_TEXT, tone: user.tone, bias: user.bias }));
      case 'advice':
        return completion(
          JSON.stringify({
            text: 'BTC is oversold at RSI 25. You should buy the dip now and write it in your journal.',
            tone: user.tone,
            bias: user.bias,
          }),
        );
      case 'garbage':
        return completion('Sure! Here is your reflection: be calm');
      case 'wrong-shape':
        return completion(JSON.stringify({ message: GOOD_TEXT }));
      case 'http-500':
        return reply.code(500).send({ error: { message: 'overloaded' } });
      case 'timeout':
        await new Promise<void>((resolve) => held.push(resolve));
        return completion(JSON.stringify({ text: GOOD_TEXT, tone: user.tone, bias: user.bias }));
    }
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  server.baseUrl = `${address}/v1`;
  return server;
}
