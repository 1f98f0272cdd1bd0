import type { ClientOutcome } from '@menagerie/contract';

/** The caller-side outcome of a request that got an answer. */
export function outcomeOfStatus(status: number): ClientOutcome {
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'success';
}

/** The outcome of a request that got no answer. */
export function outcomeOfError(error: unknown): ClientOutcome {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'TimeoutError' ? 'timeout' : 'network_error';
}
