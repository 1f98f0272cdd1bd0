/**
 * The links between the signals, followed end to end the way Grafana's
 * datasource settings follow them: an exemplar's trace id opens a trace in
 * Tempo, a trace's "logs for this span" query finds its log lines in Loki,
 * and Tempo's metrics generator feeds the service graph and span metrics.
 */
import { LOG_FIELD } from '@menagerie/contract';
import { prometheusApi } from '../../prometheus-api.ts';
import { endpoint, requestJson } from '../http.ts';
import type { Check } from '../runner.ts';
import { type LogQuery, queryLogLines, streamSelector } from './loki.ts';
import { serviceNamesInTrace } from './tempo.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;
/** How many ids one attempt tries: sampling and the exporter's batching may leave a few out. */
const IDS_PER_ATTEMPT = 10;

async function traceIn(tempo: URL, id: string): Promise<Set<string> | undefined> {
  const response = await requestJson(endpoint(tempo, `/api/v2/traces/${id}`));
  return response.status === 200 ? serviceNamesInTrace(response.body) : undefined;
}

/** Trace ids of the exemplars on `histogramBucket` in the last `minutes`. */
export async function exemplarTraceIds(
  prometheus: URL,
  histogramBucket: string,
  minutes: number,
): Promise<string[]> {
  const end = Date.now() / 1000;
  const series = await prometheusApi(prometheus.href).exemplars(histogramBucket, end - minutes * 60, end);
  const ids = series.flatMap((s) =>
    s.exemplars.map((e) => (e.labels[LOG_FIELD.traceId] ?? '').toLowerCase()),
  );
  return [...new Set(ids.filter((id) => TRACE_ID.test(id)))].reverse();
}

export function exemplarToTraceCheck(
  prometheus: URL,
  tempo: URL,
  histogramBucket: string,
  service: string,
): Check {
  return {
    name: 'exemplar to trace',
    async attempt() {
      const ids = (await exemplarTraceIds(prometheus, histogramBucket, 15)).slice(0, IDS_PER_ATTEMPT);
      if (ids.length === 0) throw new Error(`no exemplar with a ${LOG_FIELD.traceId} on ${histogramBucket}`);
      for (const id of ids) {
        const services = await traceIn(tempo, id);
        if (services?.has(service)) return `exemplar trace ${id} is in Tempo, with ${service} spans`;
      }
      throw new Error(
        `none of ${ids.length} exemplar trace ids is in Tempo with ${service} spans: ${ids.join(', ')}`,
      );
    },
  };
}

/**
 * What the Tempo datasource's trace-to-logs link runs for a span of `logs.app`
 * (tracesToLogsV2 with filterByTraceID): the stream of that app, filtered by
 * the trace id. A trace taken from an exemplar must find its lines.
 */
export function traceToLogsCheck(prometheus: URL, histogramBucket: string, logs: LogQuery): Check {
  return {
    name: 'trace to logs',
    async attempt() {
      const ids = (await exemplarTraceIds(prometheus, histogramBucket, logs.lookbackMinutes)).slice(
        0,
        IDS_PER_ATTEMPT,
      );
      if (ids.length === 0) throw new Error(`no exemplar trace id on ${histogramBucket} to follow`);
      for (const id of ids) {
        const logql = `${streamSelector(logs.namespace, logs.app)} |= "${id}"`;
        const lines = await queryLogLines(logs, logql);
        if (lines.length > 0) return `${logql} found ${lines.length} line(s)`;
      }
      throw new Error(`no log line of ${logs.app} for any of ${ids.length} exemplar trace ids`);
    },
  };
}

/** A PromQL query Tempo's metrics generator must have fed into Prometheus. */
export function generatedMetricCheck(name: string, prometheus: URL, expr: string): Check {
  return {
    name,
    async attempt() {
      const result = await prometheusApi(prometheus.href).query(expr);
      const samples = result.resultType === 'vector' ? result.result : [];
      if (samples.length === 0)
        throw new Error(`${expr} has no series (Tempo's metrics generator writes them)`);
      return `${expr}: ${samples.length} series`;
    },
  };
}
