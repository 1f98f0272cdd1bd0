import { NAMESPACE } from '@menagerie/contract';
import { findObject, type K8sObject, ofKind, podLabelsOf } from '@menagerie/tools/charts/manifests';
import { parse, stringify } from 'yaml';
import { type Loopback, toLoopback } from './loopback.ts';
import { renderedFile } from './rendered.ts';

/**
 * Each program's configuration, taken from the rendered release and passed
 * through the loopback mapping. What is set here besides is where the program
 * listens (loopback only, ports that do not collide with the others on one
 * host) and nothing else.
 */

type Yaml = Record<string, unknown>;

const section = (config: Yaml, key: string): Yaml => {
  const value = (config[key] ?? {}) as Yaml;
  config[key] = value;
  return value;
};

/** Where one program listens here, besides its main HTTP port. */
export interface ListenPorts {
  readonly http: number;
  readonly grpc: number;
  readonly memberlist?: number;
}

/** The server and memberlist settings Loki and Tempo share (dskit's): loopback, and this host's ports. */
function listenOnLoopback(config: Yaml, host: string, ports: ListenPorts): void {
  Object.assign(section(config, 'server'), {
    http_listen_address: host,
    http_listen_port: ports.http,
    grpc_listen_address: host,
    grpc_listen_port: ports.grpc,
  });
  Object.assign(section(config, 'memberlist'), {
    bind_addr: [host],
    bind_port: ports.memberlist,
    advertise_addr: host,
    advertise_port: ports.memberlist,
  });
}

/** Loki's config.yaml from the rendered ConfigMap `loki`. */
export function lokiConfig(objects: readonly K8sObject[], map: Loopback, ports: ListenPorts): string {
  const config = parse(toLoopback(renderedFile(objects, 'ConfigMap', 'loki', 'config.yaml'), map)) as Yaml;
  listenOnLoopback(config, map.host, ports);
  // The address the rings advertise (the pod IP in the cluster; here the
  // host's first interface, where nothing listens). A common.ring block makes
  // Loki default the rings' store to consul, so memberlist, which the chart's
  // configuration uses implicitly, is named.
  Object.assign(section(config, 'common'), {
    instance_addr: map.host,
    ring: { instance_addr: map.host, kvstore: { store: 'memberlist' } },
  });
  return stringify(config);
}

/** Tempo's tempo.yaml and overrides.yaml from the rendered ConfigMap `tempo`. */
export function tempoConfig(
  objects: readonly K8sObject[],
  map: Loopback,
  ports: ListenPorts,
): { tempo: string; overrides: string } {
  const config = parse(toLoopback(renderedFile(objects, 'ConfigMap', 'tempo', 'tempo.yaml'), map)) as Yaml;
  listenOnLoopback(config, map.host, ports);
  // The rings' own addresses (the pod IP in the cluster).
  Object.assign(section(section(config, 'ingester'), 'lifecycler'), { address: map.host });
  for (const component of ['distributor', 'compactor', 'metrics_generator']) {
    Object.assign(section(section(config, component), 'ring'), { instance_addr: map.host });
  }
  return {
    tempo: stringify(config),
    overrides: toLoopback(renderedFile(objects, 'ConfigMap', 'tempo', 'overrides.yaml'), map),
  };
}

/** A local "pod" whose container's stdout the stack writes where the kubelet would. */
export interface LocalPod {
  /** The Deployment that would run it in the cluster. */
  readonly deployment: string;
  readonly pod: string;
  readonly uid: string;
  readonly container: string;
  readonly node: string;
}

/** The kubelet's log file of a pod's container, relative to the log root: `pods/<ns>_<pod>_<uid>/<container>/0.log`. */
export const podLogFile = (pod: LocalPod): string =>
  `pods/${NAMESPACE}_${pod.pod}_${pod.uid}/${pod.container}/0.log`;

/** The labels Kubernetes service discovery gives a pod, from its Deployment's pod template. */
export function podMetaLabels(objects: readonly K8sObject[], pod: LocalPod): Record<string, string> {
  const labels = podLabelsOf(findObject(objects, 'Deployment', pod.deployment));
  const meta: Record<string, string> = {
    __meta_kubernetes_namespace: NAMESPACE,
    __meta_kubernetes_pod_name: pod.pod,
    __meta_kubernetes_pod_uid: pod.uid,
    __meta_kubernetes_pod_container_name: pod.container,
    __meta_kubernetes_pod_node_name: pod.node,
    __meta_kubernetes_pod_controller_name: `${pod.deployment}-${pod.uid.replaceAll('-', '').slice(0, 10)}`,
  };
  for (const [name, value] of Object.entries(labels)) {
    meta[`__meta_kubernetes_pod_label_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`] = value;
  }
  return meta;
}

/**
 * promtail's configuration from the rendered Secret: its clients, relabelling
 * and pipeline stages as they are. Kubernetes service discovery, which needs
 * an API server, becomes file discovery of the local pods (`targetsFile`,
 * rewritten as pods come and go) carrying the same discovery labels, and their
 * logs are where the kubelet would put them (under the mapped /var/log/pods),
 * in the CRI format, so the `cri` stage and the path rules apply unchanged.
 */
export function promtailConfig(
  objects: readonly K8sObject[],
  map: Loopback,
  targetsFile: string,
  port: number,
): string {
  const secret = ofKind(objects, 'Secret').find((object) => object.metadata.name.endsWith('-promtail'));
  if (!secret) throw new Error('the release renders no promtail Secret');
  const config = parse(
    toLoopback(renderedFile(objects, 'Secret', secret.metadata.name, 'promtail.yaml'), map),
  ) as Yaml;
  Object.assign(section(config, 'server'), {
    http_listen_address: map.host,
    http_listen_port: port,
    grpc_listen_address: map.host,
    grpc_listen_port: 0,
  });
  for (const job of config.scrape_configs as Yaml[]) {
    if (!job.kubernetes_sd_configs) continue;
    delete job.kubernetes_sd_configs;
    job.file_sd_configs = [{ files: [targetsFile], refresh_interval: '5s' }];
  }
  return stringify(config);
}

/** The file discovery targets for the local pods: what Kubernetes discovery would give promtail. */
export function podTargets(objects: readonly K8sObject[], pods: readonly LocalPod[]): string {
  return `${JSON.stringify(
    pods.map((pod) => ({ targets: ['localhost'], labels: podMetaLabels(objects, pod) })),
    null,
    2,
  )}\n`;
}

/** Grafana's provisioning and settings from the rendered release. */
export interface GrafanaFiles {
  /** provisioning/datasources/<file>: the chart's datasources ConfigMap, addresses mapped. */
  readonly datasources: Record<string, string>;
  /** Dashboards by folder, as the sidecar would file them: folder -> file name -> JSON. */
  readonly dashboards: Record<string, Record<string, string>>;
  /** grafana.ini from the Grafana chart's ConfigMap. */
  readonly ini: string;
}

export function grafanaFiles(objects: readonly K8sObject[], map: Loopback): GrafanaFiles {
  const configMaps = ofKind(objects, 'ConfigMap');
  const datasources: Record<string, string> = {};
  const dashboards: Record<string, Record<string, string>> = {};
  for (const configMap of configMaps) {
    const labels = configMap.metadata.labels ?? {};
    if (labels.grafana_datasource === '1') {
      for (const [file, text] of Object.entries(configMap.data as Record<string, string>)) {
        // Grafana's provisioning reads `$$` as an escaped `$`, as in the cluster.
        datasources[file] = toLoopback(text, map);
      }
    }
    if (labels.grafana_dashboard === '1') {
      const folder = configMap.metadata.annotations?.grafana_folder ?? 'General';
      for (const [file, text] of Object.entries(configMap.data as Record<string, string>)) {
        dashboards[folder] = { ...dashboards[folder], [file]: text };
      }
    }
  }
  return { datasources, dashboards, ini: renderedFile(objects, 'ConfigMap', 'grafana', 'grafana.ini') };
}
