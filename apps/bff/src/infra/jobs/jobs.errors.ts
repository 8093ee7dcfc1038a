import { defineErrors } from '@tt/shared';

/** Misuse of the job port: bugs in the caller, so they surface as 500s if they ever reach HTTP. */
export const JobErrors = defineErrors('JOBS', {
  INVALID_PAYLOAD: [500, 'The job payload does not match its schema'],
  INVALID_OPTIONS: [500, 'The job options are not valid'],
  INVALID_DEFINITION: [500, 'The job definition cannot be registered'],
  STOPPED: [500, 'The job queue has been stopped'],
});
