import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { sendProblem, toAppError } from '@tt/shared/http';
import { MlErrors } from '../ml.errors';
import type { NonceStore } from './auth.nonce-store';
import { MAX_CLOCK_SKEW_MS, SIGNATURE_HEADERS, verifySignature } from './auth.signing';

export interface SignedRequestAuthOptions {
  secret: string;
  nonceStore: NonceStore;
  bodyLimitBytes: number;
  /** Default: Date.now. */
  now?: () => number;
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const TIMESTAMP = /^\d{1,16}$/;
const EMPTY = Buffer.alloc(0);

/** A nonce must outlive every timestamp that can still pass the skew check. */
const NONCE_TTL_MS = 2 * MAX_CLOCK_SKEW_MS;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Requires a signed request on every route of `scope` (DESIGN.md §5). Cheap checks first:
 * headers and clock skew before the body is read, the size limit while it is read, then the
 * constant-time signature over the raw bytes, and only then the nonce, so that unsigned traffic
 * cannot fill the nonce store.
 */
export function installSignedRequestAuth(scope: FastifyInstance, options: SignedRequestAuthOptions): void {
  const now = options.now ?? Date.now;
  const rawBodies = new WeakMap<FastifyRequest, Buffer>();
  const parseJson = scope.getDefaultJsonParser('error', 'error');

  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
    (request, body, done) => {
      const raw = body as Buffer;
      rawBodies.set(request, raw);
      parseJson(request, raw.toString('utf8'), done);
    },
  );

  scope.setErrorHandler((error, request, reply) => {
    const appError =
      (error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? MlErrors.BODY_TOO_LARGE({ detail: `The body exceeds ${options.bodyLimitBytes} bytes.` })
        : toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, status: appError.status }, 'request rejected');
    return sendProblem(reply, appError, request);
  });

  scope.addHook('onRequest', async (request) => {
    const timestamp = header(request, SIGNATURE_HEADERS.timestamp);
    const nonce = header(request, SIGNATURE_HEADERS.nonce);
    const signature = header(request, SIGNATURE_HEADERS.signature);
    if (!timestamp || !TIMESTAMP.test(timestamp) || !nonce || !NONCE.test(nonce) || !signature) {
      throw MlErrors.AUTH_MISSING({
        detail: 'Send X-Timestamp (unix ms), X-Nonce (16-128 of A-Z a-z 0-9 _ -) and X-Signature.',
      });
    }
    if (Math.abs(now() - Number(timestamp)) > MAX_CLOCK_SKEW_MS) {
      throw MlErrors.CLOCK_SKEW({
        detail: `X-Timestamp must be within ${MAX_CLOCK_SKEW_MS / 60_000} minutes of the server clock.`,
      });
    }
  });

  scope.addHook('preValidation', async (request) => {
    const parts = {
      timestamp: header(request, SIGNATURE_HEADERS.timestamp)!,
      nonce: header(request, SIGNATURE_HEADERS.nonce)!,
      method: request.method,
      path: request.url,
      body: rawBodies.get(request) ?? EMPTY,
    };
    if (!verifySignature(options.secret, parts, header(request, SIGNATURE_HEADERS.signature)!)) {
      throw MlErrors.BAD_SIGNATURE({
        detail: 'X-Signature does not match the timestamp, method, path and body.',
      });
    }
    let fresh: boolean;
    try {
      fresh = await options.nonceStore.claim(header(request, SIGNATURE_HEADERS.nonce)!, NONCE_TTL_MS);
    } catch (cause) {
      throw MlErrors.UNAVAILABLE({ cause });
    }
    if (!fresh) throw MlErrors.NONCE_REUSED({ detail: 'Send a fresh X-Nonce with every request.' });
  });
}
