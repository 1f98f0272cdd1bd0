/**
 * What a person sees in Grafana, asked through Grafana's own API: every
 * datasource passes its health check, and every panel target of every
 * dashboard returns data when Grafana executes it (`/api/ds/query`, the call
 * a panel makes), over the dashboard's default range with the variables at
 * their defaults.
 */
import { type Credentials, endpoint, isRecord, requestJson, unexpectedAnswer } from '../http.ts';
import type { Check } from '../runner.ts';

/**
 * Where Grafana 9's "Save & test" goes for a datasource whose backend has no
 * health check (its core Prometheus, Loki and Tempo): the frontend calls the
 * datasource through Grafana's proxy.
 */
const FRONTEND_TEST_PATH: Readonly<Record<string, string>> = {
  prometheus: '/api/v1/query?query=1%2B1',
  loki: '/loki/api/v1/labels',
  tempo: '/api/echo',
};

interface Health {
  readonly ok: boolean;
  readonly detail: string;
}

/** A datasource's health: its backend health check by uid, else the test Grafana 9's frontend runs. */
async function datasourceHealth(grafana: URL, credentials: Credentials, uid: string): Promise<Health> {
  const id = encodeURIComponent(uid);
  const { status, body } = await requestJson(endpoint(grafana, `/api/datasources/uid/${id}/health`), {
    credentials,
  });
  const message = isRecord(body) ? String(body.message ?? '') : '';
  if (status !== 404)
    return { ok: status === 200 && isRecord(body) && body.status === 'OK', detail: `${status} ${message}` };
  const datasource = await requestJson(endpoint(grafana, `/api/datasources/uid/${id}`), { credentials });
  const type = isRecord(datasource.body) ? String(datasource.body.type) : '';
  const path = FRONTEND_TEST_PATH[type];
  if (!path) return { ok: false, detail: `HTTP ${status} ${message}, and no frontend test for type ${type}` };
  const test = await requestJson(
    new URL(`${grafana.href.replace(/\/$/, '')}/api/datasources/proxy/uid/${id}${path}`),
    {
      credentials,
    },
  );
  return {
    ok: test.status === 200,
    detail: `no backend health check; GET ${path} through the proxy: ${test.status}`,
  };
}

export function datasourceHealthCheck(
  grafana: URL,
  credentials: Credentials,
  uids: readonly string[],
): Check {
  return {
    name: 'grafana datasource health',
    async attempt() {
      const results = await Promise.all(
        uids.map(async (uid) => ({ uid, ...(await datasourceHealth(grafana, credentials, uid)) })),
      );
      const failed = results.filter((result) => !result.ok);
      if (failed.length > 0)
        throw new Error(failed.map((result) => `${result.uid}: ${result.detail}`).join('; '));
      return `healthy: ${results.map((result) => `${result.uid} (${result.detail.trim()})`).join(', ')}`;
    },
  };
}

/** One panel target, ready to send: variables already replaced by their default values. */
export interface PanelTarget {
  readonly label: string;
  readonly datasource: { readonly type: 'prometheus' | 'loki' | 'tempo'; readonly uid: string };
  readonly query: string;
  readonly queryType: string;
  readonly instant: boolean;
}

/** The query model Grafana's frontend sends for a target of each datasource type. */
export function queryModel(target: PanelTarget, refId: string): Record<string, unknown> {
  const common = { refId, datasource: target.datasource, intervalMs: 30_000, maxDataPoints: 500 };
  switch (target.datasource.type) {
    case 'prometheus':
      return { ...common, expr: target.query, instant: target.instant, range: !target.instant };
    case 'loki':
      return {
        ...common,
        expr: target.query,
        queryType: target.instant ? 'instant' : 'range',
        maxLines: 100,
      };
    case 'tempo':
      return { ...common, query: target.query, queryType: target.queryType, limit: 20 };
  }
}

/** Counts the rows of Grafana data frames (`data.values` holds one array per field). */
export function countRows(frames: unknown): number {
  let rows = 0;
  for (const frame of Array.isArray(frames) ? frames : []) {
    if (!isRecord(frame) || !isRecord(frame.data) || !Array.isArray(frame.data.values)) continue;
    const columns = frame.data.values.filter(Array.isArray);
    rows += columns.length > 0 ? Math.max(...columns.map((column) => column.length)) : 0;
  }
  return rows;
}

export interface PanelOutcome {
  readonly label: string;
  readonly rows: number;
  readonly error?: string;
  /** How the target was run, when not through /api/ds/query. */
  readonly path?: string;
}

/** Sends one target through Grafana's query API and counts what comes back. */
async function queryApi(
  grafana: URL,
  credentials: Credentials,
  target: PanelTarget,
  range: { from: string; to: string },
): Promise<PanelOutcome> {
  const url = endpoint(grafana, '/api/ds/query');
  const refId = 'A';
  const response = await requestJson(url, {
    method: 'POST',
    credentials,
    body: { ...range, queries: [queryModel(target, refId)] },
  });
  const result =
    isRecord(response.body) && isRecord(response.body.results) ? response.body.results[refId] : undefined;
  if (isRecord(result) && typeof result.error === 'string' && result.error !== '') {
    return { label: target.label, rows: 0, error: result.error };
  }
  if (!isRecord(result)) {
    if (response.status >= 400)
      return { label: target.label, rows: 0, error: unexpectedAnswer(url, response).message };
    return { label: target.label, rows: 0, error: 'no result for refId A' };
  }
  return { label: target.label, rows: countRows(result.frames) };
}

/** Seconds since the epoch for Grafana's relative `now-1h` / `now`. */
function epochSeconds(relative: string): number {
  const match = /^now(?:-(\d+)([smhd]))?$/.exec(relative);
  if (!match) throw new Error(`unsupported relative time ${relative}`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's'] ?? 1;
  return Math.floor(Date.now() / 1000) - Number(match[1] ?? 0) * unit;
}

/**
 * What Grafana 9's frontend does for a Tempo panel, whose backend runs only
 * trace-id queries: a TraceQL search goes through the datasource proxy to
 * Tempo's search API, and the service map reads Tempo's service-graph series
 * from the linked Prometheus datasource.
 */
async function tempoThroughFrontendPath(
  grafana: URL,
  credentials: Credentials,
  target: PanelTarget,
  range: { from: string; to: string },
  serviceGraph: PanelTarget,
): Promise<PanelOutcome> {
  if (target.queryType === 'serviceMap') {
    const outcome = await queryApi(grafana, credentials, serviceGraph, range);
    return {
      ...outcome,
      label: target.label,
      path: 'service-graph series through the Prometheus datasource',
    };
  }
  const url = endpoint(
    grafana,
    `/api/datasources/proxy/uid/${encodeURIComponent(target.datasource.uid)}/api/search`,
    {
      q: target.query,
      start: String(epochSeconds(range.from)),
      end: String(epochSeconds(range.to)),
      limit: '20',
    },
  );
  const response = await requestJson(url, { credentials });
  if (response.status !== 200 || !isRecord(response.body)) {
    return { label: target.label, rows: 0, error: unexpectedAnswer(url, response).message };
  }
  const traces = Array.isArray(response.body.traces) ? response.body.traces.length : 0;
  return { label: target.label, rows: traces, path: 'TraceQL search through the datasource proxy' };
}

/**
 * Runs one panel target the way the running Grafana's panel does: through
 * `/api/ds/query`, and for a Tempo search or service map that this Grafana's
 * backend does not run (Grafana 9), the way its frontend does instead.
 */
export async function runPanelTarget(
  grafana: URL,
  credentials: Credentials,
  target: PanelTarget,
  range: { from: string; to: string },
  serviceGraph?: PanelTarget,
): Promise<PanelOutcome> {
  const outcome = await queryApi(grafana, credentials, target, range);
  const backendRunsTraceIdsOnly =
    target.datasource.type === 'tempo' && /trace with id|404 page not found/.test(outcome.error ?? '');
  if (!backendRunsTraceIdsOnly || !serviceGraph) return outcome;
  return tempoThroughFrontendPath(grafana, credentials, target, range, serviceGraph);
}

export function panelsThroughGrafanaCheck(
  grafana: URL,
  credentials: Credentials,
  targets: () => readonly PanelTarget[],
  range: { from: string; to: string },
  /** The Prometheus target a service map reads (Tempo's service-graph series). */
  serviceGraph: PanelTarget,
): Check {
  return {
    name: 'grafana panels',
    async attempt() {
      const all = targets();
      const outcomes: PanelOutcome[] = [];
      for (const target of all) {
        outcomes.push(await runPanelTarget(grafana, credentials, target, range, serviceGraph));
      }
      const empty = outcomes.filter((outcome) => outcome.rows === 0);
      if (empty.length > 0) {
        const list = empty.map((outcome) => `${outcome.label}${outcome.error ? ` (${outcome.error})` : ''}`);
        throw new Error(`${empty.length} of ${all.length} panel targets without data: ${list.join('; ')}`);
      }
      const otherPaths = outcomes.filter((outcome) => outcome.path);
      const note = otherPaths.length
        ? ` (${otherPaths.map((outcome) => `${outcome.label}: ${outcome.path}`).join('; ')})`
        : '';
      return `all ${all.length} panel targets returned data through Grafana${note}`;
    },
  };
}
