import { defineErrors } from '@tt/shared';

export const DigestErrors = defineErrors('DIGESTS', {
  NOT_FOUND: [404, 'No digest yet'],
});
