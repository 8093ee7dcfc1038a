import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, fieldErrors, formErrorMessage, parseProblem } from './problem';

const validation = new ApiError({
  type: 'https://tradingtwin.dev/problems/http-validation',
  title: 'The request is not valid',
  status: 400,
  code: 'HTTP.VALIDATION',
  detail: 'Invalid body: body.password',
  errors: [
    { field: 'body.password', message: 'Use at least 12 characters' },
    { field: 'body.params.pct24h', message: 'Too small' },
    { field: 'line 7', message: 'price is not a number' },
  ],
});

describe('parseProblem', () => {
  it('keeps a problem+json body as the server sent it', () => {
    const body = {
      type: 't',
      title: 'Email or password is incorrect',
      status: 401,
      code: 'AUTH.INVALID_CREDENTIALS',
    };
    expect(parseProblem(401, body)).toEqual(body);
  });

  it('makes a readable problem from a status when the body is not one', () => {
    expect(parseProblem(429, '<html>')).toMatchObject({
      status: 429,
      title: 'Too many requests: wait a moment and try again',
    });
    expect(parseProblem(502, undefined).title).toBe('Something went wrong on our side');
    expect(parseProblem(418, {}).title).toBe('Request failed (418)');
  });
});

describe('fieldErrors', () => {
  it('names errors by the form field, not the request location', () => {
    expect(fieldErrors(validation)).toEqual({
      password: 'Use at least 12 characters',
      pct24h: 'Too small',
      'line 7': 'price is not a number',
    });
  });

  it('joins several messages for one field', () => {
    const error = new ApiError({
      type: 't',
      title: 'x',
      status: 400,
      errors: [
        { field: 'body.email', message: 'Too long.' },
        { field: 'body.email', message: 'Not an email.' },
      ],
    });
    expect(fieldErrors(error)).toEqual({ email: 'Too long. Not an email.' });
  });

  it('is empty for errors that are not problems', () => {
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
});

describe('errorMessage', () => {
  it('says the title and the detail', () => {
    const error = new ApiError({
      type: 't',
      title: 'Connect this broker again',
      status: 409,
      detail: 'The token was revoked.',
    });
    expect(errorMessage(error)).toBe('Connect this broker again. The token was revoked.');
  });

  it('explains a network failure', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toMatch(/Could not reach Trading Twin/);
  });
});

describe('formErrorMessage', () => {
  it('leaves messages of shown fields beside them and names the others', () => {
    expect(formErrorMessage(validation, ['password', 'pct24h'])).toBe(
      'The request is not valid. line 7: price is not a number',
    );
  });

  it('falls back to the whole message when no field is named', () => {
    const error = new ApiError({
      type: 't',
      title: 'Choose another password',
      status: 400,
      detail: 'It is too common.',
    });
    expect(formErrorMessage(error, ['password'])).toBe('Choose another password. It is too common.');
  });
});
