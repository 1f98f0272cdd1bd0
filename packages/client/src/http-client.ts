import got, { type Got, type Hooks } from 'got';

/** Network errors worth another try; a timeout is not retried (the server may still be working on it). */
export const RETRY_ERROR_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
];
export const RETRY_STATUS_CODES = [503];
export const RETRY_LIMIT = 2;

/** got against the server: answers of any status resolve, a few failures are retried. */
export function createHttpClient(baseUrl: string, timeoutMs: number, hooks?: Partial<Hooks>): Got {
  return got.extend({
    prefixUrl: baseUrl,
    throwHttpErrors: false,
    followRedirect: false,
    timeout: { request: timeoutMs },
    retry: {
      limit: RETRY_LIMIT,
      methods: ['GET', 'POST', 'DELETE'],
      statusCodes: RETRY_STATUS_CODES,
      errorCodes: RETRY_ERROR_CODES,
      backoffLimit: 1000,
      noise: 100,
    },
    ...(hooks ? { hooks } : {}),
  });
}
