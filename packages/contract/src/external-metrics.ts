/**
 * Metrics the dashboards and rules use that our services do not define:
 * those any Prometheus set-up has (standard) and those only the cluster
 * provides (cluster-only). The live check evaluates every panel query against
 * the local stack and skips exactly the panels that use a cluster-only metric.
 */

export interface ExternalMetric {
  readonly name: string;
  readonly source: string;
}

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

/** Only where Kubernetes runs: kube-state-metrics and the kubelet's cAdvisor. */
export const KUBERNETES_METRIC = {
  podRestarts: { name: 'kube_pod_container_status_restarts_total', source: 'kube-state-metrics' },
  podReady: { name: 'kube_pod_status_ready', source: 'kube-state-metrics' },
  resourceRequests: { name: 'kube_pod_container_resource_requests', source: 'kube-state-metrics' },
  resourceLimits: { name: 'kube_pod_container_resource_limits', source: 'kube-state-metrics' },
  containerCpu: { name: 'container_cpu_usage_seconds_total', source: 'cAdvisor (kubelet)' },
  containerMemory: { name: 'container_memory_working_set_bytes', source: 'cAdvisor (kubelet)' },
  cfsPeriods: { name: 'container_cpu_cfs_periods_total', source: 'cAdvisor (kubelet)' },
  cfsThrottledPeriods: { name: 'container_cpu_cfs_throttled_periods_total', source: 'cAdvisor (kubelet)' },
} as const satisfies Record<string, ExternalMetric>;

/** Written into Prometheus by Tempo's metrics generator: in the cluster, and in the local stack when Tempo runs there. */
export const TEMPO_GENERATED_METRIC = {
  spanCalls: { name: 'traces_spanmetrics_calls_total', source: 'Tempo metrics generator (span metrics)' },
  spanLatencyBucket: {
    name: 'traces_spanmetrics_latency_bucket',
    source: 'Tempo metrics generator (span metrics)',
  },
  serviceGraphRequests: {
    name: 'traces_service_graph_request_total',
    source: 'Tempo metrics generator (service graph)',
  },
} as const satisfies Record<string, ExternalMetric>;

/**
 * What our dashboards and rules query that neither our services nor the
 * Prometheus-only local stack have. (The service graph's series are read by
 * Grafana's service map, not by a query of ours.)
 */
export const CLUSTER_ONLY_METRIC = {
  ...KUBERNETES_METRIC,
  spanCalls: TEMPO_GENERATED_METRIC.spanCalls,
  spanLatencyBucket: TEMPO_GENERATED_METRIC.spanLatencyBucket,
} as const;
