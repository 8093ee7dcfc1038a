import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Everything that could carry a credential is censored before a line is written. Paths cover
 * request/response headers and any nested object field with a secret-looking name.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'req.headers["x-mbx-apikey"]',
  'req.headers["x-signature"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  ...[
    'password',
    'newPassword',
    'currentPassword',
    'token',
    'accessToken',
    'refreshToken',
    'access_token',
    'refresh_token',
    'apiKey',
    'apiSecret',
    'secret',
    'signature',
    'codeVerifier',
    'code_verifier',
    'authorization',
    'cookie',
  ].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

const SECRET_QUERY =
  /([?&](?:code|state|token|access_token|refresh_token|signature|apiKey|code_verifier)=)[^&#]*/gi;

/** URLs are logged without the values of parameters that carry credentials (OAuth callbacks). */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

interface LoggedRequest {
  id?: string;
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // No client IP or user agent in logs: we keep only keyed hashes of them (blueprint §12).
    serializers: {
      req: (req: LoggedRequest) => ({
        id: req.id,
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        route: req.routeOptions?.url,
      }),
      err: pino.stdSerializers.err,
    },
    base: { service: 'trading-twin' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

export type { Logger };
