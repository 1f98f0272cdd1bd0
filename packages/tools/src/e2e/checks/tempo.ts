/**
 * Tempo HTTP API: a trace id read from one of the server's log lines in Loki
 * resolves to a trace that holds the server's spans. This is the path a user
 * follows from a log line to its trace.
 */
import { LOG_FIELD } from '@menagerie/contract';
import { endpoint, isRecord, requestJson, unexpectedAnswer } from '../http.ts';
import type { Check } from '../runner.ts';
import { type LogQuery, queryLogLines, streamSelector } from './loki.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;
const INVALID_TRACE_ID = '0'.repeat(32);
/** How many distinct ids one attempt tries: sampling may have dropped some traces. */
const IDS_PER_ATTEMPT = 10;

export function traceIdsFromLogs(lines: readonly { json: Record<string, unknown> | undefined }[]): string[] {
  const ids: string[] = [];
  for (const { json } of lines) {
    const id = json?.[LOG_FIELD.traceId];
    if (typeof id !== 'string') continue;
    const normalised = id.toLowerCase();
    if (TRACE_ID.test(normalised) && normalised !== INVALID_TRACE_ID && !ids.includes(normalised)) {
      ids.push(normalised);
    }
  }
  return ids;
}

/** The service names on a trace, whichever of Tempo's two JSON shapes it came in. */
export function serviceNamesInTrace(body: unknown): Set<string> {
  const trace = isRecord(body) && isRecord(body.trace) ? body.trace : body;
  const names = new Set<string>();
  if (!isRecord(trace)) return names;
  const batches = Array.isArray(trace.resourceSpans) ? trace.resourceSpans : trace.batches;
  for (const batch of Array.isArray(batches) ? batches : []) {
    if (!isRecord(batch) || !isRecord(batch.resource) || !Array.isArray(batch.resource.attributes)) continue;
    for (const attribute of batch.resource.attributes) {
      if (isRecord(attribute) && attribute.key === 'service.name' && isRecord(attribute.value)) {
        const value = attribute.value.stringValue;
        if (typeof value === 'string') names.add(value);
      }
    }
  }
  return names;
}

export function traceFromLogCheck(logs: LogQuery, tempo: URL, service: string): Check {
  const logql = `${streamSelector(logs.namespace, logs.app)} |= "${LOG_FIELD.traceId}"`;
  return {
    name: 'tempo trace from a log line',
    async attempt() {
      const ids = traceIdsFromLogs(await queryLogLines(logs, logql)).slice(0, IDS_PER_ATTEMPT);
      if (ids.length === 0) throw new Error(`no log line of ${logql} carries a valid "${LOG_FIELD.traceId}"`);
      const misses: string[] = [];
      for (const id of ids) {
        const url = endpoint(tempo, `/api/v2/traces/${id}`);
        const response = await requestJson(url);
        const { status, body } = response;
        if (status === 404) {
          misses.push(id);
          continue;
        }
        if (status !== 200) throw unexpectedAnswer(url, response);
        const services = serviceNamesInTrace(body);
        if (!services.has(service)) {
          misses.push(`${id} (has no ${service} span; services: ${[...services].join(', ') || 'none'})`);
          continue;
        }
        return `trace ${id} from a ${service} log line has spans of ${[...services].sort().join(', ')}`;
      }
      throw new Error(
        `none of the ${ids.length} trace ids from ${service}'s log lines is in Tempo: ${misses.join(', ')}`,
      );
    },
  };
}

/** The TraceQL metrics query the check runs: the service's span rate. */
export const spanRateQuery = (service: string): string => `{ resource.service.name = "${service}" } | rate()`;

/** The largest sample value of a TraceQL metrics answer (`/api/metrics/query_range`), or undefined without one. */
export function largestSample(body: unknown): number | undefined {
  if (!isRecord(body) || !Array.isArray(body.series)) return undefined;
  let largest: number | undefined;
  for (const series of body.series) {
    if (!isRecord(series) || !Array.isArray(series.samples)) continue;
    for (const sample of series.samples) {
      const value = isRecord(sample) ? Number(sample.value) : Number.NaN;
      if (Number.isFinite(value)) largest = Math.max(largest ?? value, value);
    }
  }
  return largest;
}

/**
 * TraceQL metrics, which Grafana's Traces Drilldown runs: Tempo computes the
 * server's span rate over the last ten minutes from the blocks its
 * local-blocks processor keeps.
 */
export function traceqlMetricsCheck(tempo: URL, service: string, now: () => number = Date.now): Check {
  return {
    name: 'tempo TraceQL metrics (local blocks)',
    async attempt() {
      const end = Math.floor(now() / 1000);
      const url = endpoint(tempo, '/api/metrics/query_range');
      url.searchParams.set('q', spanRateQuery(service));
      url.searchParams.set('start', String(end - 600));
      url.searchParams.set('end', String(end));
      url.searchParams.set('step', '60s');
      const response = await requestJson(url);
      if (response.status !== 200) throw unexpectedAnswer(url, response);
      const largest = largestSample(response.body);
      if (largest === undefined || largest <= 0) {
        throw new Error(`${spanRateQuery(service)} has no sample above 0 over the last 10 minutes`);
      }
      return `${spanRateQuery(service)} peaks at ${largest.toFixed(2)} spans/s over the last 10 minutes`;
    },
  };
}
