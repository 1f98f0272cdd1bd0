import { CLIENT, NAMESPACE, PAGING, SERVER, STACK } from '@menagerie/contract';
import { findObject, type K8sObject, ofKind, podSpecOf } from '@menagerie/tools/charts/manifests';
import { parse, stringify } from 'yaml';
import { podTargets, prometheusConfig } from '../config/prometheus.ts';
import { renderedFile } from '../observability/rendered.ts';
import type { Rhythm } from '../settings.ts';
import type { PodEndpoint } from '../target-labels.ts';

/**
 * The configuration compose.yaml mounts, generated from the umbrella's
 * rendered release: file path (relative to the .compose/ folder) -> content.
 * Compose services carry the cluster Services' names and DNS names, so every
 * address in the rendered files stays as it is; what changes is only what
 * needs Kubernetes itself (promtail's pod discovery, the env values the
 * kubelet fills in) and what the Prometheus operator would generate.
 */
export type ComposeFiles = Record<string, string>;

type Yaml = Record<string, unknown>;

/** The compose service (and container) name standing for each app's Deployment: its Service name. */
const APPS = [SERVER, CLIENT] as const;

/**
 * An app container's environment as the kubelet would give it: literal
 * values, the downward API's pod name and namespace (the container's name
 * and NAMESPACE here), and $(VAR) references expanded.
 */
export function appEnvFile(objects: readonly K8sObject[], app: string): string {
  const [container] = podSpecOf(findObject(objects, 'Deployment', app)).containers;
  const values = new Map<string, string>();
  const fieldValue: Record<string, string> = { 'metadata.name': app, 'metadata.namespace': NAMESPACE };
  for (const variable of container.env as { name: string; value?: string; valueFrom?: Yaml }[]) {
    const field = (variable.valueFrom?.fieldRef as { fieldPath?: string } | undefined)?.fieldPath;
    const raw = variable.value ?? (field ? fieldValue[field] : undefined);
    if (raw === undefined) throw new Error(`${app}: ${variable.name} has a source compose cannot give`);
    values.set(
      variable.name,
      raw.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_m, name: string) => values.get(name) ?? ''),
    );
  }
  return `${[...values].map(([name, value]) => `${name}=${value}`).join('\n')}\n`;
}

/** The Prometheus operator's view of a compose container: the target labels a ServiceMonitor gives it. */
const composePod = (app: (typeof APPS)[number]): PodEndpoint => ({
  service: app.name,
  pod: app.name,
  container: app.container,
  portName: app.portName,
});

/**
 * prometheus.yml: the local stack's configuration (the ServiceMonitors' and
 * the Probe's relabelling), with the compose services' addresses, the chart's
 * rule files where compose mounts them, and the probe URL the rendered Probe
 * requests.
 */
function prometheusFiles(
  objects: readonly K8sObject[],
  rhythm: Rhythm,
  ruleFiles: readonly string[],
): ComposeFiles {
  const probe = ofKind(objects, 'Probe').find((object) => object.metadata.name.startsWith(SERVER.name));
  const [probeUrl] = probe?.spec.targets.staticConfig.static ?? [];
  if (!probeUrl) throw new Error('the release renders no Probe of the server');
  const at = (service: { service: string; port: number }) => `${service.service}:${service.port}`;
  const config = prometheusConfig({
    rhythm,
    ruleFiles: ruleFiles.map((file) => `/etc/prometheus/rules/${file}`),
    alertmanagerAddress: at(STACK.alertmanager),
    serverTargetsFile: '/etc/prometheus/server-targets.json',
    clientAddress: `${CLIENT.name}:${CLIENT.port}`,
    prometheusAddress: at(STACK.prometheus),
    blackboxAddress: at(STACK.blackboxExporter),
    probeUrl,
  });
  const serverTargets = [podTargets(`${SERVER.name}:${SERVER.port}`, composePod(SERVER))];
  return {
    'prometheus/prometheus.yml': stringify(config),
    'prometheus/server-targets.json': `${JSON.stringify(serverTargets, null, 2)}\n`,
  };
}

/**
 * promtail.yaml from the rendered Secret. Kubernetes pod discovery becomes
 * Docker discovery of this compose project's containers, whose metadata is
 * first given the names of the Kubernetes metadata the chart's relabelling
 * reads (namespace, pod, container, app), so those rules stay as they are.
 * Docker's API hands over the lines themselves, so the `cri` stage (the
 * kubelet's log file format) goes.
 */
export function promtailConfig(objects: readonly K8sObject[], project: string): string {
  const secret = ofKind(objects, 'Secret').find((object) => object.metadata.name.endsWith('-promtail'));
  if (!secret) throw new Error('the release renders no promtail Secret');
  const config = parse(renderedFile(objects, 'Secret', secret.metadata.name, 'promtail.yaml')) as Yaml;
  const label = (name: string) => `__meta_docker_container_label_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  const fromDocker = [
    { target_label: '__meta_kubernetes_namespace', replacement: NAMESPACE },
    {
      source_labels: ['__meta_docker_container_name'],
      regex: '/?(.*)',
      target_label: '__meta_kubernetes_pod_name',
    },
    {
      source_labels: [label('com.docker.compose.service')],
      target_label: '__meta_kubernetes_pod_label_app_kubernetes_io_name',
    },
    {
      source_labels: [label('io.kubernetes.container.name'), label('com.docker.compose.service')],
      regex: '^;*([^;]+)(;.*)?$',
      target_label: '__meta_kubernetes_pod_container_name',
    },
  ];
  for (const job of config.scrape_configs as Yaml[]) {
    if (!job.kubernetes_sd_configs) continue;
    delete job.kubernetes_sd_configs;
    job.docker_sd_configs = [
      {
        host: 'unix:///var/run/docker.sock',
        refresh_interval: '5s',
        filters: [{ name: 'label', values: [`com.docker.compose.project=${project}`] }],
      },
    ];
    job.relabel_configs = [...fromDocker, ...((job.relabel_configs as Yaml[]) ?? [])];
    job.pipeline_stages = ((job.pipeline_stages as Yaml[]) ?? []).filter((stage) => !('cri' in stage));
  }
  return stringify(config);
}

/** Grafana's settings, provisioning and dashboards, as its chart and sidecars lay them out. */
function grafanaFiles(objects: readonly K8sObject[]): ComposeFiles {
  const files: ComposeFiles = {
    'grafana/grafana.ini': renderedFile(objects, 'ConfigMap', STACK.grafana.service, 'grafana.ini'),
    'grafana/provisioning/dashboards/sc-dashboardproviders.yaml': renderedFile(
      objects,
      'ConfigMap',
      `${STACK.grafana.service}-config-dashboards`,
      'provider.yaml',
    ),
  };
  for (const configMap of ofKind(objects, 'ConfigMap')) {
    const labels = configMap.metadata.labels ?? {};
    const data = (configMap.data ?? {}) as Record<string, string>;
    for (const [file, text] of Object.entries(data)) {
      if (labels.grafana_datasource === '1') files[`grafana/provisioning/datasources/${file}`] = text;
      if (labels.grafana_dashboard === '1') {
        const folder = configMap.metadata.annotations?.grafana_folder ?? 'General';
        files[`grafana/dashboards/${folder}/${file}`] = text;
      }
    }
  }
  const admin = findObject(objects, 'Secret', `${STACK.grafana.service}-admin`);
  const decoded = (key: string) => Buffer.from(admin.data[key], 'base64').toString('utf8');
  files['grafana/admin.env'] =
    `GF_SECURITY_ADMIN_USER=${decoded('admin-user')}\nGF_SECURITY_ADMIN_PASSWORD=${decoded('admin-password')}\n`;
  return files;
}

export interface ComposeFilesOptions {
  /** The compose project name (compose.yaml `name`): promtail discovers its containers only. */
  readonly project: string;
  /** The cluster's scrape and evaluation intervals. */
  readonly rhythm: Rhythm;
  /** The chart's rule files (names in files/rules/), which compose mounts as they are. */
  readonly ruleFiles: readonly string[];
  /** The paging key Alertmanager reads; a placeholder that fails loudly by default, as the helmfile's hook writes. */
  readonly pagingKey?: string | undefined;
}

/** Every generated file compose.yaml mounts, from the rendered release. */
export function composeFiles(objects: readonly K8sObject[], options: ComposeFilesOptions): ComposeFiles {
  const files: ComposeFiles = {
    ...Object.fromEntries(APPS.map((app) => [`${app.name}.env`, appEnvFile(objects, app.name)])),
    ...prometheusFiles(objects, options.rhythm, options.ruleFiles),
    [`alertmanager/secrets/${PAGING.secretName}/${PAGING.secretKey}`]: options.pagingKey ?? 'not-configured',
    'blackbox/blackbox.yaml': renderedFile(
      objects,
      'ConfigMap',
      STACK.blackboxExporter.service,
      'blackbox.yaml',
    ),
    'loki/config/config.yaml': renderedFile(objects, 'ConfigMap', STACK.loki.service, 'config.yaml'),
    'loki/runtime-config/runtime-config.yaml': renderedFile(
      objects,
      'ConfigMap',
      `${STACK.loki.service}-runtime`,
      'runtime-config.yaml',
    ),
    'tempo/tempo.yaml': renderedFile(objects, 'ConfigMap', STACK.tempo.service, 'tempo.yaml'),
    'tempo/overrides.yaml': renderedFile(objects, 'ConfigMap', STACK.tempo.service, 'overrides.yaml'),
    'promtail/promtail.yaml': promtailConfig(objects, options.project),
    ...grafanaFiles(objects),
  };
  return files;
}
