import { z } from 'zod';

/** RFC 9457 problem details, as every service of ours answers errors. */
export const ProblemFieldSchema = z.object({
  field: z.string(),
  message: z.string(),
});
export type ProblemField = z.infer<typeof ProblemFieldSchema>;

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(ProblemFieldSchema).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://tradingtwin.dev/problems/';

/** Turns a stable code such as `AUTH.INVALID_CREDENTIALS` into its problem `type` URI. */
export function problemType(code: string): string {
  return TYPE_BASE + code.toLowerCase().replace(/[._]/g, '-');
}

export interface AppErrorOptions {
  detail?: string;
  errors?: ProblemField[];
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error model: a stable code, an HTTP status and a human title. Thrown anywhere on the
 * server and rendered once as problem+json. 5xx details never leave the server.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: ProblemField[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: string, status: number, title: string, options: AppErrorOptions = {}) {
    super(options.detail ?? title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.title = title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  toProblem(instance?: string): Problem {
    return {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.status < 500 && this.detail !== undefined ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...(instance ? { instance } : {}),
    };
  }
}

/** Declares a module's error codes once: `const E = defineErrors({ NOT_FOUND: [404, 'Trade not found'] })`. */
export function defineErrors<T extends Record<string, readonly [number, string]>>(
  prefix: string,
  table: T,
): { [K in keyof T]: (options?: AppErrorOptions) => AppError } {
  const out = {} as { [K in keyof T]: (options?: AppErrorOptions) => AppError };
  for (const key of Object.keys(table) as (keyof T & string)[]) {
    const [status, title] = table[key]!;
    out[key] = (options) => new AppError(`${prefix}.${key}`, status, title, options);
  }
  return out;
}

/** Converts a Zod failure into field errors named by their path (`body.email`, `query.limit`). */
export function zodFieldErrors(error: z.ZodError, location?: string): ProblemField[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [location, path].filter(Boolean).join('.') || location || '(root)';
    return { field, message: issue.message };
  });
}

export const CommonErrors = defineErrors('HTTP', {
  VALIDATION: [400, 'The request is not valid'],
  BAD_JSON: [400, 'The request body is not valid JSON'],
  UNAUTHENTICATED: [401, 'Sign in to continue'],
  FORBIDDEN: [403, 'This action is not allowed'],
  NOT_FOUND: [404, 'Not found'],
  METHOD_NOT_ALLOWED: [405, 'Method not allowed'],
  CONFLICT: [409, 'Conflict'],
  PAYLOAD_TOO_LARGE: [413, 'The request body is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Unsupported content type'],
  UNPROCESSABLE: [422, 'The request cannot be processed'],
  RATE_LIMITED: [429, 'Too many requests'],
  INTERNAL: [500, 'Something went wrong on our side'],
  UNAVAILABLE: [503, 'Service unavailable'],
});

/** Parses `value` with `schema` or throws a 400 problem naming every failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, location: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw CommonErrors.VALIDATION({
      detail: `Invalid ${location}: ${result.error.issues.map((i) => [location, ...i.path.map(String)].join('.')).join(', ')}`,
      errors: zodFieldErrors(result.error, location),
    });
  }
  return result.data;
}
