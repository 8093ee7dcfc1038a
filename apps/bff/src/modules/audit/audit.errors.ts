import { defineErrors } from '@tt/shared';

export const AuditErrors = defineErrors('AUDIT', {
  NOT_FOUND: [404, 'Audit entry not found'],
  BAD_CURSOR: [400, 'The page cursor is not valid'],
});
