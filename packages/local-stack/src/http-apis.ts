/**
 * The Prometheus and Alertmanager API client (one for the whole repository,
 * in @menagerie/tools), and what only the local stack needs besides: where
 * Prometheus' web pages are, and polling until something holds.
 */
export * from '@menagerie/tools/prometheus-api';

/**
 * Where Prometheus' web pages live: `/` redirects to the graph page, which is
 * `/classic/graph` in Debian's build (the classic UI) and `/graph` upstream.
 */
export async function prometheusUiBase(url: string): Promise<string> {
  const response = await fetch(`${url}/`, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
  const location = response.headers.get('location') ?? '/graph';
  return new URL(location.replace(/graph$/, ''), url).toString();
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
