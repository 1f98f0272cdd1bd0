import {
  CLIENT_METRICS,
  CLUSTER_ONLY_METRIC,
  COMMON_METRICS,
  KUBERNETES_METRIC,
  type MetricDefinition,
  SERVER_METRICS,
  STANDARD_METRIC,
} from '@menagerie/contract';

/**
 * Every series name a dashboard or rule may use, by origin: our services
 * (from the contract), metrics any Prometheus set-up has (standard), and
 * metrics only the cluster provides (cluster-only).
 */

/** Series names a contract metric produces in Prometheus (a histogram is three). */
export const seriesNames = (metric: MetricDefinition): string[] =>
  metric.type === 'histogram'
    ? ['_bucket', '_count', '_sum'].map((suffix) => `${metric.name}${suffix}`)
    : [metric.name];

export const CONTRACT_METRICS: readonly MetricDefinition[] = [
  ...Object.values(SERVER_METRICS),
  ...Object.values(CLIENT_METRICS),
  ...Object.values(COMMON_METRICS),
];

export const CONTRACT_SERIES_NAMES: ReadonlySet<string> = new Set(CONTRACT_METRICS.flatMap(seriesNames));

export const STANDARD_METRIC_NAMES: ReadonlySet<string> = new Set(
  Object.values(STANDARD_METRIC).map((m) => m.name),
);
export const CLUSTER_ONLY_METRIC_NAMES: ReadonlySet<string> = new Set(
  Object.values(CLUSTER_ONLY_METRIC).map((m) => m.name),
);
export const KUBERNETES_METRIC_NAMES: ReadonlySet<string> = new Set(
  Object.values(KUBERNETES_METRIC).map((m) => m.name),
);
