import { ProblemSchema, type Problem } from '@tt/shared';

/** An answer that was not 2xx, carrying the server's RFC 9457 problem (or one made from the status). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

const STATUS_TITLES: Record<number, string> = {
  400: 'The request was not valid',
  401: 'Please sign in',
  403: 'This action is not allowed',
  404: 'Not found',
  409: 'This conflicts with a change made elsewhere',
  413: 'That is too large to send',
  422: 'That could not be processed',
  429: 'Too many requests: wait a moment and try again',
  503: 'The service is busy: try again shortly',
};

/** The problem in a response body, or a readable one made from the status when the body is not a problem. */
export function parseProblem(status: number, body: unknown): Problem {
  const parsed = ProblemSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  return {
    type: 'about:blank',
    status,
    title:
      STATUS_TITLES[status] ??
      (status >= 500 ? 'Something went wrong on our side' : `Request failed (${status})`),
  };
}

/**
 * Field errors keyed by the form's field name: the server names them by location
 * (`body.password`, `body.params.pct24h`), forms by the bare name (`password`, `pct24h`).
 * CSV rows (`line 7`) keep their names.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const { field, message } of error.problem.errors ?? []) {
    const name = field.replace(/^(body|query|params)\.(params\.)?/, '');
    out[name] = out[name] ? `${out[name]} ${message}` : message;
  }
  return out;
}

/** One sentence for a banner: the detail when there is one, the title otherwise. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const { title, detail } = error.problem;
    return detail && detail !== title ? `${title}. ${detail}` : title;
  }
  if (error instanceof TypeError) return 'Could not reach Trading Twin. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/**
 * The banner above a form: when the problem names fields the form shows, those messages sit
 * beside their fields and the banner keeps the title plus anything about other fields.
 */
export function formErrorMessage(error: unknown, shownFields: readonly string[]): string {
  const byField = fieldErrors(error);
  const names = Object.keys(byField);
  if (!(error instanceof ApiError) || names.length === 0) return errorMessage(error);
  const others = names
    .filter((name) => !shownFields.includes(name))
    .map((name) => `${name}: ${byField[name]}`);
  return [error.problem.title, ...others].join('. ');
}
