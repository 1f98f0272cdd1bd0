/**
 * The parts of the Prometheus and Alertmanager HTTP APIs the local stack, its
 * live check and the screenshot program use.
 */

export type Labels = Record<string, string>;

export interface InstantSample {
  metric: Labels;
  value: [number, string];
}
export interface RangeSeries {
  metric: Labels;
  values: [number, string][];
}
export type QueryResult =
  | { resultType: 'vector'; result: InstantSample[] }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

export interface Target {
  labels: Labels;
  scrapePool: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export interface PrometheusAlert {
  labels: Labels;
  annotations: Labels;
  state: 'pending' | 'firing';
  activeAt: string;
}

export interface ExemplarSeries {
  seriesLabels: Labels;
  exemplars: { labels: Labels; value: string; timestamp: number }[];
}

export interface AlertmanagerAlert {
  fingerprint: string;
  labels: Labels;
  annotations: Labels;
  receivers: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

const form = (params: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(params).toString(),
});

export interface PrometheusApi {
  readonly url: string;
  ready(): Promise<boolean>;
  query(expr: string, time?: number): Promise<QueryResult>;
  queryRange(expr: string, start: number, end: number, step: number): Promise<QueryResult>;
  targets(): Promise<Target[]>;
  alerts(): Promise<PrometheusAlert[]>;
  exemplars(expr: string, start: number, end: number): Promise<ExemplarSeries[]>;
  /** Metric names Prometheus has stored. */
  metricNames(): Promise<string[]>;
  /** Values of `label` on the series `match` selects (what Grafana's label_values() asks). */
  labelValues(label: string, match: string): Promise<string[]>;
}

/** Prometheus and Alertmanager both answer 200 on /-/ready once they serve; anything else, or no answer in 2 s, is not ready. */
async function isReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

export function prometheusApi(url: string): PrometheusApi {
  const data = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const body = await call<{ status: string; data: T; error?: string }>(`${url}${path}`, init);
    if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    ready: () => isReady(url),
    query: (expr, time) =>
      data('/api/v1/query', form({ query: expr, ...(time === undefined ? {} : { time: String(time) }) })),
    queryRange: (expr, start, end, step) =>
      data(
        '/api/v1/query_range',
        form({ query: expr, start: String(start), end: String(end), step: String(step) }),
      ),
    targets: async () => (await data<{ activeTargets: Target[] }>('/api/v1/targets')).activeTargets,
    alerts: async () => (await data<{ alerts: PrometheusAlert[] }>('/api/v1/alerts')).alerts,
    exemplars: (expr, start, end) =>
      data('/api/v1/query_exemplars', form({ query: expr, start: String(start), end: String(end) })),
    metricNames: () => data('/api/v1/label/__name__/values'),
    labelValues: (label, match) =>
      data(`/api/v1/label/${encodeURIComponent(label)}/values?${new URLSearchParams({ 'match[]': match })}`),
  };
}

export interface AlertmanagerApi {
  readonly url: string;
  ready(): Promise<boolean>;
  /** Every alert Alertmanager holds, inhibited and silenced ones included. */
  alerts(): Promise<AlertmanagerAlert[]>;
}

export function alertmanagerApi(url: string): AlertmanagerApi {
  return {
    url,
    ready: () => isReady(url),
    alerts: () => call(`${url}/api/v2/alerts?active=true&inhibited=true&silenced=true&unprocessed=true`),
  };
}

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
