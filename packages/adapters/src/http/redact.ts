const REDACTED = '[REDACTED]';

/** Query parameters whose values are credentials or single-use grants. */
const SENSITIVE_PARAMS = new Set([
  'signature',
  'access_token',
  'refresh_token',
  'token',
  'code',
  'code_verifier',
  'client_secret',
  'apikey',
  'api_key',
  'secret',
]);

/** Replaces every occurrence of each secret value in `text`. Short values are ignored (they would mangle text). */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * A URL safe to log: origin and path, with the values of credential-bearing query parameters
 * (`signature`, `access_token`, `code`, …) replaced, and any known secret value scrubbed.
 */
export function redactUrl(rawUrl: string, secrets: readonly string[] = []): string {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return REDACTED;
  }
  url.username = '';
  url.password = '';
  for (const key of [...url.searchParams.keys()]) {
    if (SENSITIVE_PARAMS.has(key.toLowerCase())) url.searchParams.set(key, REDACTED);
  }
  return scrubSecrets(url.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED), secrets);
}
