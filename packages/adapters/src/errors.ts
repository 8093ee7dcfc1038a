import { defineErrors } from '@tt/shared';

/**
 * Broker failures as the BFF sees them. `detail` is written for the trader (it names what to do,
 * never a token, key or signature); 5xx details stay on the server anyway.
 */
export const BrokerErrors = defineErrors('BROKER', {
  TOKEN_EXPIRED: [401, 'The broker session has expired'],
  TOKEN_REVOKED: [401, 'The broker connection was revoked'],
  OAUTH_FAILED: [400, 'The broker authorization did not complete'],
  INVALID_KEY: [422, 'The broker rejected the API key'],
  KEY_NOT_READ_ONLY: [422, 'The API key is not read-only'],
  PERMISSION_DENIED: [403, 'The broker connection lacks a permission'],
  RATE_LIMITED: [429, 'The broker is rate limiting us'],
  UNAVAILABLE: [503, 'The broker is unavailable'],
  BAD_RESPONSE: [502, 'The broker sent a response we do not understand'],
  REQUEST_REJECTED: [502, 'The broker rejected a request'],
  DISABLED: [404, 'This broker is not enabled'],
  UNKNOWN_SYMBOL: [422, 'The broker does not list this symbol'],
});

/** CSV import failures: 400 when the file is not a known export, 422 when rows are bad. */
export const CsvErrors = defineErrors('CSV', {
  EMPTY: [400, 'The file is empty'],
  UNKNOWN_FORMAT: [400, 'The file is not a known trade-history export'],
  INVALID_ROWS: [422, 'Some rows of the file are not valid'],
});

/**
 * Market-data vendor failures (Twelve Data, for symbols no connected broker serves). The vendor key
 * is the operator's, not the trader's: a refused key is a 502 whose detail stays on the server.
 */
export const MarketDataErrors = defineErrors('MARKET_DATA', {
  UNKNOWN_SYMBOL: [422, 'The market-data vendor does not list this symbol'],
  INVALID_KEY: [502, 'The market-data vendor rejected our API key'],
  RATE_LIMITED: [429, 'The market-data vendor is rate limiting us'],
  UNAVAILABLE: [503, 'The market-data vendor is unavailable'],
  BAD_RESPONSE: [502, 'The market-data vendor sent a response we do not understand'],
  REQUEST_REJECTED: [502, 'The market-data vendor rejected a request'],
});
