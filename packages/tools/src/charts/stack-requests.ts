import { type K8sObject, ofKind, podSpecOf, workloads } from './manifests.ts';
import { addRequests, NO_REQUESTS, type Requests, requestsOf } from './resources.ts';
import { type Values, valueAt } from './values.ts';

/** One running container's share of the stack's requests. */
export interface ContainerRequests {
  readonly component: string;
  readonly requests: Requests;
  /** How many of it run (replicas, or nodes for a DaemonSet). */
  readonly count: number;
}

/** kind on a laptop: one node, so one pod per DaemonSet. */
export const NODES = 1;

interface UpstreamContainer {
  readonly component: string;
  /** Path of its `resources` in the umbrella's values. */
  readonly resources: readonly string[];
  /** Whether it runs with these values. */
  readonly runs: (values: Values) => boolean;
  readonly count: (values: Values) => number;
}

const KPS = 'kube-prometheus-stack';
const always = () => true;
const one = () => 1;
const enabled = (path: readonly string[]) => (values: Values) => valueAt(values, path) === true;
const RELOADER = [KPS, 'prometheusOperator', 'prometheusConfigReloader', 'resources'];

/**
 * Every container of the upstream charts that runs with our values, and where
 * its requests are set. The full render (scripts/render-upstream.sh) adds the
 * requests up from the real rendered objects and must find the same total, so
 * a container missing here shows up there.
 */
const UPSTREAM_CONTAINERS: readonly UpstreamContainer[] = [
  {
    component: 'prometheus',
    resources: [KPS, 'prometheus', 'prometheusSpec', 'resources'],
    runs: always,
    count: one,
  },
  { component: 'prometheus config-reloader', resources: RELOADER, runs: always, count: one },
  {
    component: 'alertmanager',
    resources: [KPS, 'alertmanager', 'alertmanagerSpec', 'resources'],
    runs: always,
    count: one,
  },
  { component: 'alertmanager config-reloader', resources: RELOADER, runs: always, count: one },
  {
    component: 'prometheus-operator',
    resources: [KPS, 'prometheusOperator', 'resources'],
    runs: always,
    count: one,
  },
  {
    component: 'kube-state-metrics',
    resources: [KPS, 'kube-state-metrics', 'resources'],
    runs: always,
    count: one,
  },
  {
    component: 'node-exporter',
    resources: [KPS, 'prometheus-node-exporter', 'resources'],
    // kube-prometheus-stack's condition for it; on unless switched off.
    runs: (values) => valueAt(values, [KPS, 'nodeExporter', 'enabled']) !== false,
    count: () => NODES,
  },
  { component: 'grafana', resources: ['grafana', 'resources'], runs: always, count: one },
  {
    component: 'grafana dashboards sidecar',
    resources: ['grafana', 'sidecar', 'resources'],
    runs: enabled(['grafana', 'sidecar', 'dashboards', 'enabled']),
    count: one,
  },
  {
    // With initDatasources the chart runs it as an init container instead,
    // which finishes before Grafana starts and so adds nothing to the pod's
    // requests (smaller than the containers' sum).
    component: 'grafana datasources sidecar',
    resources: ['grafana', 'sidecar', 'resources'],
    runs: (values) =>
      enabled(['grafana', 'sidecar', 'datasources', 'enabled'])(values) &&
      !enabled(['grafana', 'sidecar', 'datasources', 'initDatasources'])(values),
    count: one,
  },
  {
    component: 'loki',
    resources: ['loki', 'singleBinary', 'resources'],
    runs: always,
    count: (values) => Number(valueAt(values, ['loki', 'singleBinary', 'replicas'])),
  },
  { component: 'tempo', resources: ['tempo', 'tempo', 'resources'], runs: always, count: one },
  {
    component: 'promtail',
    resources: ['promtail', 'resources'],
    runs: enabled(['promtail', 'enabled']),
    count: () => NODES,
  },
  {
    component: 'alloy',
    resources: ['alloy', 'alloy', 'resources'],
    runs: enabled(['alloy', 'enabled']),
    count: (values) => Number(valueAt(values, ['alloy', 'controller', 'replicas'])),
  },
  {
    component: 'alloy config-reloader',
    resources: ['alloy', 'configReloader', 'resources'],
    runs: enabled(['alloy', 'enabled']),
    count: (values) => Number(valueAt(values, ['alloy', 'controller', 'replicas'])),
  },
  {
    component: 'blackbox-exporter',
    resources: ['prometheus-blackbox-exporter', 'resources'],
    runs: always,
    count: one,
  },
  {
    component: 'prometheus-adapter',
    resources: ['prometheus-adapter', 'resources'],
    runs: enabled(['prometheus-adapter', 'enabled']),
    count: (values) => Number(valueAt(values, ['prometheus-adapter', 'replicas']) ?? 1),
  },
];

/** The upstream containers' requests, as the umbrella's effective values set them. */
export function upstreamRequests(values: Values): ContainerRequests[] {
  return UPSTREAM_CONTAINERS.filter((container) => container.runs(values)).map((container) => ({
    component: container.component,
    requests: requestsOf(
      valueAt(values, container.resources),
      `${container.component} (${container.resources.join('.')})`,
    ),
    count: container.count(values),
  }));
}

/**
 * How many pods of a workload may run: one per node for a DaemonSet, the
 * HPA's maximum for a scaled one (the budget must hold at the top of its
 * range), else its replicas.
 */
function replicasOf(object: K8sObject, objects: readonly K8sObject[]): number {
  if (object.kind === 'DaemonSet') return NODES;
  const autoscaler = ofKind(objects, 'HorizontalPodAutoscaler').find(
    (hpa) =>
      hpa.spec.scaleTargetRef.kind === object.kind && hpa.spec.scaleTargetRef.name === object.metadata.name,
  );
  if (autoscaler) return autoscaler.spec.maxReplicas;
  return object.spec.replicas ?? 1;
}

/**
 * The requests of rendered workloads: every container of every Deployment,
 * StatefulSet and DaemonSet, as many times as it may run. Init containers run
 * before the others and never alongside them, so they do not add up; helm
 * test pods and hook Jobs are transient and left out.
 */
export function workloadRequests(objects: readonly K8sObject[]): ContainerRequests[] {
  return workloads(objects)
    .filter((object) => object.kind !== 'Pod' && object.kind !== 'Job')
    .flatMap((object) =>
      // biome-ignore lint/suspicious/noExplicitAny: a rendered container
      podSpecOf(object).containers.map((container: any) => ({
        component: `${object.metadata.name}/${container.name}`,
        requests: requestsOf(
          container.resources,
          `${object.kind} ${object.metadata.name} container ${container.name}`,
        ),
        count: replicasOf(object, objects),
      })),
    );
}

export function totalRequests(containers: readonly ContainerRequests[]): Requests {
  return containers.reduce(
    (total, container) => addRequests(total, container.requests, container.count),
    NO_REQUESTS,
  );
}
