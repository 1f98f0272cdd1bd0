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
export const KIND_NODES = 1;

interface UpstreamContainer {
  readonly component: string;
  /** Path of its `resources` in the umbrella's values. */
  readonly resources: readonly string[];
  /** Whether it runs with these values. */
  readonly runs: (values: Values) => boolean;
  /** How many run, on a cluster of `nodes` nodes. */
  readonly count: (values: Values, nodes: number) => number;
}

const KPS = 'kube-prometheus-stack';
const TEMPO_DISTRIBUTED = 'tempo-distributed';
const always = () => true;
const one = () => 1;
const perNode = (_values: Values, nodes: number) => nodes;
const enabled = (path: readonly string[]) => (values: Values) => valueAt(values, path) === true;
/** A replica count at `path`, or `fallback` (the chart's default) when the values leave it out. */
const replicas =
  (path: readonly string[], fallback = 1) =>
  (values: Values) =>
    Number(valueAt(values, path) ?? fallback);
const RELOADER = [KPS, 'prometheusOperator', 'prometheusConfigReloader', 'resources'];
const PROMETHEUS_REPLICAS = replicas([KPS, 'prometheus', 'prometheusSpec', 'replicas']);
const ALERTMANAGER_REPLICAS = replicas([KPS, 'alertmanager', 'alertmanagerSpec', 'replicas']);
const GRAFANA_REPLICAS = replicas(['grafana', 'replicas']);
const lokiMode = (mode: string) => (values: Values) => valueAt(values, ['loki', 'deploymentMode']) === mode;

/** A component of tempo-distributed: its values key, the chart's default replicas. */
const tempoComponent = (key: string, fallback = 1): UpstreamContainer => ({
  component: `tempo ${key}`,
  resources: [TEMPO_DISTRIBUTED, key, 'resources'],
  runs: enabled([TEMPO_DISTRIBUTED, 'enabled']),
  count: replicas([TEMPO_DISTRIBUTED, key, 'replicas'], fallback),
});

/** A target of Loki's simple scalable mode. */
const lokiTarget = (key: string): UpstreamContainer => ({
  component: `loki ${key}`,
  resources: ['loki', key, 'resources'],
  runs: lokiMode('SimpleScalable'),
  count: replicas(['loki', key, 'replicas']),
});

/** A component of the Thanos chart. */
const thanosComponent = (key: string, count: UpstreamContainer['count']): UpstreamContainer => ({
  component: `thanos ${key}`,
  resources: ['thanos', key, 'resources'],
  runs: (values) =>
    enabled(['thanos', 'enabled'])(values) && valueAt(values, ['thanos', key, 'enabled']) !== false,
  count,
});

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
    count: PROMETHEUS_REPLICAS,
  },
  { component: 'prometheus config-reloader', resources: RELOADER, runs: always, count: PROMETHEUS_REPLICAS },
  {
    // The operator adds the sidecar to every Prometheus pod once Thanos is configured.
    component: 'prometheus thanos-sidecar',
    resources: [KPS, 'prometheus', 'prometheusSpec', 'thanos', 'resources'],
    runs: (values) =>
      valueAt(values, [KPS, 'prometheus', 'prometheusSpec', 'thanos', 'objectStorageConfig']) !== undefined,
    count: PROMETHEUS_REPLICAS,
  },
  {
    component: 'alertmanager',
    resources: [KPS, 'alertmanager', 'alertmanagerSpec', 'resources'],
    runs: always,
    count: ALERTMANAGER_REPLICAS,
  },
  {
    component: 'alertmanager config-reloader',
    resources: RELOADER,
    runs: always,
    count: ALERTMANAGER_REPLICAS,
  },
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
    count: perNode,
  },
  { component: 'grafana', resources: ['grafana', 'resources'], runs: always, count: GRAFANA_REPLICAS },
  {
    component: 'grafana dashboards sidecar',
    resources: ['grafana', 'sidecar', 'resources'],
    runs: enabled(['grafana', 'sidecar', 'dashboards', 'enabled']),
    count: GRAFANA_REPLICAS,
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
    count: GRAFANA_REPLICAS,
  },
  {
    component: 'loki',
    resources: ['loki', 'singleBinary', 'resources'],
    runs: lokiMode('Monolithic'),
    count: replicas(['loki', 'singleBinary', 'replicas']),
  },
  lokiTarget('write'),
  lokiTarget('read'),
  lokiTarget('backend'),
  {
    component: 'loki gateway',
    resources: ['loki', 'gateway', 'resources'],
    runs: enabled(['loki', 'gateway', 'enabled']),
    count: replicas(['loki', 'gateway', 'replicas']),
  },
  {
    component: 'tempo',
    resources: ['tempo', 'tempo', 'resources'],
    runs: enabled(['tempo', 'enabled']),
    count: one,
  },
  tempoComponent('distributor'),
  tempoComponent('ingester', 3),
  tempoComponent('querier'),
  tempoComponent('queryFrontend'),
  tempoComponent('compactor'),
  tempoComponent('metricsGenerator'),
  thanosComponent('query', replicas(['thanos', 'query', 'replicas'])),
  thanosComponent('storeGateway', replicas(['thanos', 'storeGateway', 'replicas'])),
  // The compactor is one pod by design: it is the bucket's only deleter.
  thanosComponent('compact', one),
  {
    component: 'promtail',
    resources: ['promtail', 'resources'],
    runs: enabled(['promtail', 'enabled']),
    count: perNode,
  },
  {
    component: 'alloy',
    resources: ['alloy', 'alloy', 'resources'],
    runs: enabled(['alloy', 'enabled']),
    count: replicas(['alloy', 'controller', 'replicas']),
  },
  {
    component: 'alloy config-reloader',
    resources: ['alloy', 'configReloader', 'resources'],
    runs: enabled(['alloy', 'enabled']),
    count: replicas(['alloy', 'controller', 'replicas']),
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
    count: replicas(['prometheus-adapter', 'replicas']),
  },
];

/** The upstream containers' requests, as the umbrella's effective values set them, on `nodes` nodes. */
export function upstreamRequests(values: Values, nodes = KIND_NODES): ContainerRequests[] {
  return UPSTREAM_CONTAINERS.filter((container) => container.runs(values)).map((container) => ({
    component: container.component,
    requests: requestsOf(
      valueAt(values, container.resources),
      `${container.component} (${container.resources.join('.')})`,
    ),
    count: container.count(values, nodes),
  }));
}

/**
 * The in-cluster object store of the production environment on kind
 * (SeaweedFS in one pod, a release of its own), from that release's values;
 * nothing when it is not installed.
 */
export function inClusterStoreRequests(storeValues: Values | undefined): ContainerRequests[] {
  if (valueAt(storeValues, ['allInOne', 'enabled']) !== true) return [];
  const resources = ['allInOne', 'resources'];
  return [
    {
      component: 'seaweedfs all-in-one',
      requests: requestsOf(valueAt(storeValues, resources), `seaweedfs (${resources.join('.')})`),
      count: 1,
    },
  ];
}

/**
 * How many pods of a workload may run: one per node for a DaemonSet, the
 * HPA's maximum for a scaled one (the budget must hold at the top of its
 * range), else its replicas.
 */
function replicasOf(object: K8sObject, objects: readonly K8sObject[], nodes: number): number {
  if (object.kind === 'DaemonSet') return nodes;
  const autoscaler = ofKind(objects, 'HorizontalPodAutoscaler').find(
    (hpa) =>
      hpa.spec.scaleTargetRef.kind === object.kind && hpa.spec.scaleTargetRef.name === object.metadata.name,
  );
  if (autoscaler) return autoscaler.spec.maxReplicas;
  return object.spec.replicas ?? 1;
}

/**
 * The requests of rendered workloads on `nodes` nodes: every container of
 * every Deployment, StatefulSet and DaemonSet, as many times as it may run.
 * Init containers run before the others and never alongside them, so they do
 * not add up; helm test pods and hook Jobs are transient and left out.
 */
export function workloadRequests(objects: readonly K8sObject[], nodes = KIND_NODES): ContainerRequests[] {
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
        count: replicasOf(object, objects, nodes),
      })),
    );
}

export function totalRequests(containers: readonly ContainerRequests[]): Requests {
  return containers.reduce(
    (total, container) => addRequests(total, container.requests, container.count),
    NO_REQUESTS,
  );
}
