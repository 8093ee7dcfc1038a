import { CsrfTokenSchema } from '@tt/shared';
import type { z } from 'zod';
import { ApiError, parseProblem } from './problem';

export const CSRF_COOKIE = '__Host-tt_csrf';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions<S extends z.ZodType | undefined> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as multipart/form-data (file uploads). */
  form?: FormData;
  query?: Record<string, string | number | undefined>;
  /** Validates the answer; without it the body is returned untyped (or undefined for 204). */
  schema?: S;
  /** POSTs that create something send a fresh `Idempotency-Key`, so a retried click creates it once. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

type Result<S> = S extends z.ZodType ? z.infer<S> : unknown;

let onUnauthorized: (() => void) | undefined;
/** Called when an API answers 401 (the session ended): the app sends the trader to /login. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export function readCookie(name: string, cookies: string = document.cookie): string | undefined {
  for (const pair of cookies.split(';')) {
    const [key, ...rest] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

let csrfRequest: Promise<string> | undefined;
async function csrfToken(refresh: boolean): Promise<string> {
  const fromCookie = refresh ? undefined : readCookie(CSRF_COOKIE);
  if (fromCookie) return fromCookie;
  csrfRequest ??= request('/api/auth/csrf', { schema: CsrfTokenSchema })
    .then((body) => body.token)
    .finally(() => {
      csrfRequest = undefined;
    });
  return csrfRequest;
}

export function withQuery(path: string, query: RequestOptions<undefined>['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function send(
  path: string,
  options: RequestOptions<z.ZodType | undefined>,
  csrfRefresh: boolean,
): Promise<Response> {
  const method = options.method ?? (options.json !== undefined || options.form ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (MUTATING.has(method)) headers['x-csrf-token'] = await csrfToken(csrfRefresh);
  if (options.idempotent) headers['idempotency-key'] = crypto.randomUUID();
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  return fetch(withQuery(path, options.query), {
    method,
    headers,
    body,
    credentials: 'same-origin',
    signal: options.signal,
  });
}

/**
 * The one way the app talks to the BFF: CSRF header on every mutating request (refreshed once
 * if the server says it is stale), idempotency keys on creating POSTs, problem+json parsed into
 * `ApiError`, answers validated by their shared Zod schema, and 401 handed to the app.
 */
export async function request<S extends z.ZodType | undefined = undefined>(
  path: string,
  options: RequestOptions<S> = {},
): Promise<Result<S>> {
  let response = await send(path, options, false);
  let body = await readBody(response);
  if (response.status === 403 && isCsrfProblem(body)) {
    response = await send(path, options, true);
    body = await readBody(response);
  }
  if (!response.ok) {
    const error = new ApiError(parseProblem(response.status, body));
    // A wrong password on the sign-in form is a 401 too, but it is not a lost session.
    if (response.status === 401 && error.code !== 'AUTH.INVALID_CREDENTIALS') onUnauthorized?.();
    throw error;
  }
  if (!options.schema) return body as Result<S>;
  const parsed = options.schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError({
      type: 'about:blank',
      status: 502,
      title: 'The server answered in an unexpected shape',
      detail: `${path}: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'} ${i.message}`)
        .join('; ')}`,
    });
  }
  return parsed.data as Result<S>;
}

function isCsrfProblem(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    String((body as { code?: unknown }).code ?? '').startsWith('CSRF.TOKEN')
  );
}
