/**
 * The one client of the Prometheus and Alertmanager HTTP APIs: the rollback
 * demo's SLO watch, the end-to-end checks, the local stack, its live check and
 * the screenshot program all use it. Queries are sent as forms (POST), so
 * long dashboard queries never meet a URL length limit.
 */

const DEFAULT_TIMEOUT_MS = 10_000;

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

export interface ApiOptions {
  /** Longest wait for one answer; 10 s unless given. */
  readonly timeoutMs?: number;
}

async function call<T>(url: string, init: RequestInit | undefined, timeoutMs: number): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
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

export interface RuleGroup {
  name: string;
  file: string;
  rules: {
    type: 'alerting' | 'recording';
    name: string;
    health: 'ok' | 'err' | 'unknown';
    lastError?: string;
  }[];
}

export interface PrometheusApi {
  readonly url: string;
  ready(): Promise<boolean>;
  query(expr: string, time?: number): Promise<QueryResult>;
  queryRange(expr: string, start: number, end: number, step: number): Promise<QueryResult>;
  targets(): Promise<Target[]>;
  alerts(): Promise<PrometheusAlert[]>;
  /** The rule groups Prometheus has loaded, with each rule's health. */
  rules(): Promise<RuleGroup[]>;
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

/** `base` may end in a path prefix (Prometheus served under /prometheus) and a slash. */
export function prometheusApi(base: string, options: ApiOptions = {}): PrometheusApi {
  const url = base.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const data = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const body = await call<{ status: string; data: T; error?: string }>(`${url}${path}`, init, timeoutMs);
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
    rules: async () => (await data<{ groups: RuleGroup[] }>('/api/v1/rules')).groups,
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

export function alertmanagerApi(base: string, options: ApiOptions = {}): AlertmanagerApi {
  const url = base.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    url,
    ready: () => isReady(url),
    alerts: () =>
      call(
        `${url}/api/v2/alerts?active=true&inhibited=true&silenced=true&unprocessed=true`,
        undefined,
        timeoutMs,
      ),
  };
}
