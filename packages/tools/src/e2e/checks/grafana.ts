/**
 * Grafana HTTP API: our dashboards are provisioned, our datasources exist with
 * their fixed uids, and a Prometheus query sent through Grafana returns data.
 */
import type { DashboardExpectation } from '../expectations.ts';
import { type Credentials, describe, endpoint, isRecord, requestJson, unexpectedAnswer } from '../http.ts';
import { type Check, FatalCheckError } from '../runner.ts';

function authProblem(status: number, url: URL): Error | undefined {
  if (status === 401 || status === 403) {
    return new FatalCheckError(
      `${describe(url)} refused the login (HTTP ${status}): check the Grafana user and password`,
    );
  }
  return undefined;
}

export function dashboardsCheck(
  grafana: URL,
  credentials: Credentials,
  expected: () => readonly DashboardExpectation[],
): Check {
  return {
    name: 'grafana dashboards',
    async attempt() {
      const wanted = expected();
      const url = endpoint(grafana, '/api/search', { type: 'dash-db', limit: '5000' });
      const response = await requestJson(url, { credentials });
      const { status, body } = response;
      const denied = authProblem(status, url);
      if (denied) throw denied;
      if (status !== 200 || !Array.isArray(body)) throw unexpectedAnswer(url, response);
      const uids = new Set(body.filter(isRecord).map((hit) => hit.uid));
      const missing = wanted.filter((d) => !uids.has(d.uid));
      if (missing.length > 0) {
        const list = missing.map((d) => `${d.uid} (${d.title})`).join(', ');
        throw new Error(`missing ${missing.length} of ${wanted.length}: ${list}`);
      }
      return `all ${wanted.length} dashboards listed (${wanted.map((d) => d.uid).join(', ')})`;
    },
  };
}

/** Datasource uid → the Grafana plugin type it must have (the contract's keys are the plugin ids). */
export function datasourcesCheck(
  grafana: URL,
  credentials: Credentials,
  expected: Readonly<Record<string, string>>,
): Check {
  return {
    name: 'grafana datasources',
    async attempt() {
      const problems: string[] = [];
      for (const [type, uid] of Object.entries(expected)) {
        const url = endpoint(grafana, `/api/datasources/uid/${encodeURIComponent(uid)}`);
        const { status, body } = await requestJson(url, { credentials });
        const denied = authProblem(status, url);
        if (denied) throw denied;
        if (status === 404) problems.push(`${uid} missing`);
        else if (status !== 200 || !isRecord(body)) problems.push(`${uid}: HTTP ${status}`);
        else if (body.type !== type) problems.push(`${uid} is of type ${String(body.type)}, not ${type}`);
      }
      if (problems.length > 0) throw new Error(problems.join('; '));
      return `${Object.values(expected).join(', ')} provisioned`;
    },
  };
}

/** Counts the values in Grafana data frames (`data.values` is one array per field, the first usually time). */
function countSamples(frames: unknown[]): number {
  let samples = 0;
  for (const frame of frames) {
    if (!isRecord(frame) || !isRecord(frame.data) || !Array.isArray(frame.data.values)) continue;
    const columns = frame.data.values.filter(Array.isArray);
    samples += columns.length > 0 ? Math.max(...columns.map((c) => c.length)) : 0;
  }
  return samples;
}

export function queryThroughGrafanaCheck(
  grafana: URL,
  credentials: Credentials,
  datasourceUid: string,
  expr: string,
): Check {
  return {
    name: 'grafana query',
    async attempt() {
      const url = endpoint(grafana, '/api/ds/query');
      const refId = 'A';
      const response = await requestJson(url, {
        method: 'POST',
        credentials,
        body: {
          from: 'now-5m',
          to: 'now',
          queries: [
            {
              refId,
              datasource: { type: 'prometheus', uid: datasourceUid },
              expr,
              instant: true,
              range: false,
              intervalMs: 15_000,
              maxDataPoints: 100,
            },
          ],
        },
      });
      const { status, body } = response;
      const denied = authProblem(status, url);
      if (denied) throw denied;
      const result = isRecord(body) && isRecord(body.results) ? body.results[refId] : undefined;
      if (isRecord(result) && typeof result.error === 'string' && result.error !== '') {
        throw new Error(`${expr} failed through datasource ${datasourceUid}: ${result.error}`);
      }
      if (status !== 200 || !isRecord(result)) throw unexpectedAnswer(url, response);
      const frames = Array.isArray(result.frames) ? result.frames : [];
      const samples = countSamples(frames);
      if (samples === 0) throw new Error(`${expr} returned no data through datasource ${datasourceUid}`);
      return `${expr} returned ${frames.length} series through datasource ${datasourceUid}`;
    },
  };
}
