import { KUBERNETES_METRIC } from './external-metrics.ts';
import { SERVER_METRICS } from './metrics.ts';

/**
 * What the server's HorizontalPodAutoscaler scales on, served by
 * prometheus-adapter from Prometheus. kind has no metrics-server, so the
 * adapter serves both APIs the HPA reads: the custom metrics API (the
 * server's API requests per second, per pod, from its own request
 * histogram) and the resource metrics API (CPU and memory from the kubelet's
 * cAdvisor, which Prometheus already scrapes).
 */
export const AUTOSCALING_METRIC = {
  requestsPerSecond: {
    /** The Pods metric the HPA names (custom.metrics.k8s.io, resource pods). */
    name: 'menagerie_http_server_requests_per_second',
    /** The series the adapter turns into it: the request histogram's count. */
    series: `${SERVER_METRICS.requestDuration.name}_count`,
    /** The rate window: four scrapes at the 15 s interval. */
    window: '1m',
  },
} as const;

/** The cAdvisor series the adapter's resource metrics API is computed from. */
export const RESOURCE_METRIC_SOURCE = {
  cpu: KUBERNETES_METRIC.containerCpu,
  memory: KUBERNETES_METRIC.containerMemory,
  /** How far back the adapter looks for both. */
  window: '1m',
} as const;
