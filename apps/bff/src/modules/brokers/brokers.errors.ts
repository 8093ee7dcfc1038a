import { defineErrors } from '@tt/shared';

export const BrokersErrors = defineErrors('BROKERS', {
  UNKNOWN_BROKER: [404, 'Unknown broker'],
  NOT_CONNECTED: [404, 'This broker is not connected'],
  NOT_OAUTH: [404, 'This broker does not connect through a sign-in page'],
  NEEDS_RECONNECT: [409, 'Connect this broker again'],
  BUSY: [503, 'The broker connection is being renewed'],
});

/**
 * Why an OAuth callback sent the trader back without a connection. The code goes in
 * `/connect?error=<code>` and the sentence in `reason`, for the Connect page to show.
 */
export const CALLBACK_FAILURES = {
  access_denied: 'You declined access on Coinbase, so nothing was connected.',
  invalid_state: 'This connection link has expired or was already used. Start again from the Connect page.',
  signed_out: 'Your session ended while you were on Coinbase. Sign in and connect again.',
  exchange_failed: 'Coinbase did not complete the connection. Please try again.',
  not_read_only: 'Coinbase granted more than read access. Connect again and allow read access only.',
  broker_unavailable: 'Coinbase could not be reached. Please try again in a few minutes.',
} as const;

export type CallbackFailure = keyof typeof CALLBACK_FAILURES;
