import type { ClientOutcome } from '@menagerie/telemetry/contract';

/** Client outcomes where no HTTP answer came back at all. */
export const UNANSWERED_OUTCOMES = ['network_error', 'timeout'] as const satisfies readonly ClientOutcome[];

/** Client outcomes that mean the service failed the caller (a 4xx is the caller's own doing). */
export const FAILED_OUTCOMES = [
  'server_error',
  ...UNANSWERED_OUTCOMES,
] as const satisfies readonly ClientOutcome[];
