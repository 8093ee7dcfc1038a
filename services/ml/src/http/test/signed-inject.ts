import type { FastifyInstance } from 'fastify';
import { signRequest } from '../../auth/auth.signing';

export const TEST_SECRET = 'ml-test-secret-0123456789abcdefghijklmnop';

export interface SignedInjectOptions {
  method?: 'GET' | 'POST';
  url: string;
  body?: unknown;
  secret?: string;
  timestampMs?: number;
  nonce?: string;
  /** Signs as if the method were this one, to prove the method is signed. */
  signedMethod?: string;
  /** Changes the request after signing, to prove each signed part is checked. */
  tamper?: (request: {
    method: string;
    url: string;
    payload: string;
    headers: Record<string, string>;
  }) => void;
}

/** `app.inject` with the three signature headers computed over exactly what is sent. */
export function signedInject(app: FastifyInstance, options: SignedInjectOptions) {
  const method = options.method ?? 'POST';
  const payload =
    options.body === undefined
      ? ''
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...signRequest({
      secret: options.secret ?? TEST_SECRET,
      method: options.signedMethod ?? method,
      path: options.url,
      body: payload,
      timestampMs: options.timestampMs,
      nonce: options.nonce,
    }),
  };
  if (method === 'POST') headers['content-type'] = 'application/json';
  const request = { method, url: options.url, payload, headers };
  options.tamper?.(request);
  return app.inject({
    method: request.method as 'GET' | 'POST',
    url: request.url,
    headers: request.headers,
    ...(request.payload === '' ? {} : { payload: request.payload }),
  });
}
