import { CLUSTER_ONLY_METRIC } from '@menagerie/contract';

/**
 * RED metrics of server spans, from the span metrics Tempo's metrics
 * generator writes (so only in the cluster), for the selected services.
 */

/** Labels and values of the span metrics. */
const SPAN_METRIC = {
  service: 'service',
  spanName: 'span_name',
  spanKind: 'span_kind',
  statusCode: 'status_code',
  serverKind: 'SPAN_KIND_SERVER',
  errorStatus: 'STATUS_CODE_ERROR',
} as const;
const S = SPAN_METRIC;

const serverSpans = `${S.service}=~"$${S.service}", ${S.spanKind}="${S.serverKind}"`;
const calls = CLUSTER_ONLY_METRIC.spanCalls.name;
const latencyBuckets = CLUSTER_ONLY_METRIC.spanLatencyBucket.name;

export const spanRate = (window: string): string =>
  `sum by (${S.service}, ${S.spanName}) (rate(${calls}{${serverSpans}}[${window}]))`;

/** Share of server spans with error status; 0 for a span name without any. */
export const spanErrorRatio = (window: string): string =>
  `(sum by (${S.service}, ${S.spanName}) (rate(${calls}{${serverSpans}, ${S.statusCode}="${S.errorStatus}"}[${window}])) or 0 * sum by (${S.service}, ${S.spanName}) (rate(${calls}{${serverSpans}}[${window}]))) / sum by (${S.service}, ${S.spanName}) (rate(${calls}{${serverSpans}}[${window}]))`;

export const spanLatencyQuantile = (q: number, window: string): string =>
  `histogram_quantile(${q}, sum by (le, ${S.service}, ${S.spanName}) (rate(${latencyBuckets}{${serverSpans}}[${window}])))`;
