import { defineErrors } from '@tt/shared';

export const AuthErrors = defineErrors('AUTH', {
  INVALID_CREDENTIALS: [401, 'Email or password is incorrect'],
  LOGIN_THROTTLED: [429, 'Too many failed sign-ins for this account; try again later'],
  EMAIL_TAKEN: [409, 'An account with this email already exists'],
  PASSWORD_REJECTED: [400, 'Choose another password'],
  WRONG_PASSWORD: [403, 'The current password is incorrect'],
  SESSION_NOT_FOUND: [404, 'Session not found'],
  USER_NOT_FOUND: [404, 'Account not found'],
});
