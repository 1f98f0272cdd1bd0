import { CLIENT_METRICS, COMMON_METRICS, type MetricDefinition, SERVER_METRICS } from '@menagerie/contract';

/**
 * Every metric name a dashboard or rule may use, by origin: our services
 * (from the contract), metrics any Prometheus set-up has (standard), and
 * metrics only the cluster provides (cluster-only). The live check evaluates
 * every panel query against the local stack and skips exactly the panels that
 * use a cluster-only metric.
 */

interface ExternalMetric {
  readonly name: string;
  readonly source: string;
}

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

/** Present wherever Prometheus scrapes our services, the local stack included. */
export const STANDARD_METRIC = {
  up: { name: 'up', source: 'Prometheus, one per scrape target' },
  alerts: { name: 'ALERTS', source: 'Prometheus, one per pending or firing alert' },
  cpuSeconds: { name: 'process_cpu_seconds_total', source: 'prom-client default metrics' },
  residentMemory: { name: 'process_resident_memory_bytes', source: 'prom-client default metrics' },
  heapUsed: { name: 'nodejs_heap_size_used_bytes', source: 'prom-client default metrics' },
  eventLoopLagP99: { name: 'nodejs_eventloop_lag_p99_seconds', source: 'prom-client default metrics' },
  probeSuccess: { name: 'probe_success', source: 'blackbox exporter' },
  probeDuration: { name: 'probe_duration_seconds', source: 'blackbox exporter' },
} as const satisfies Record<string, ExternalMetric>;

/** Only in the cluster: kube-state-metrics, the kubelet's cAdvisor, Tempo's metrics generator. */
export const CLUSTER_ONLY_METRIC = {
  podRestarts: { name: 'kube_pod_container_status_restarts_total', source: 'kube-state-metrics' },
  podReady: { name: 'kube_pod_status_ready', source: 'kube-state-metrics' },
  resourceRequests: { name: 'kube_pod_container_resource_requests', source: 'kube-state-metrics' },
  resourceLimits: { name: 'kube_pod_container_resource_limits', source: 'kube-state-metrics' },
  containerCpu: { name: 'container_cpu_usage_seconds_total', source: 'cAdvisor (kubelet)' },
  containerMemory: { name: 'container_memory_working_set_bytes', source: 'cAdvisor (kubelet)' },
  cfsPeriods: { name: 'container_cpu_cfs_periods_total', source: 'cAdvisor (kubelet)' },
  cfsThrottledPeriods: { name: 'container_cpu_cfs_throttled_periods_total', source: 'cAdvisor (kubelet)' },
  spanCalls: { name: 'traces_spanmetrics_calls_total', source: 'Tempo metrics generator (span metrics)' },
  spanLatencyBucket: {
    name: 'traces_spanmetrics_latency_bucket',
    source: 'Tempo metrics generator (span metrics)',
  },
} as const satisfies Record<string, ExternalMetric>;

export const STANDARD_METRIC_NAMES: ReadonlySet<string> = new Set(
  Object.values(STANDARD_METRIC).map((m) => m.name),
);
export const CLUSTER_ONLY_METRIC_NAMES: ReadonlySet<string> = new Set(
  Object.values(CLUSTER_ONLY_METRIC).map((m) => m.name),
);
