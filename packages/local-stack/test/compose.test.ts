import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLIENT, NAMESPACE, OUTPUT_DIR, SERVER, STACK } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { makeTempDir, removeTempDirs, UMBRELLA_DIR } from '@menagerie/tools/charts/charts';
import type { K8sObject } from '@menagerie/tools/charts/manifests';
import { readValues, valueAt } from '@menagerie/tools/charts/values';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';
import {
  bindMounts,
  type ComposeProject,
  imageProblems,
  mountProblems,
  readCompose,
} from '../src/compose/compose-file.ts';
import { ComposeMismatchError, chartRuleFileNames, generateComposeFiles } from '../src/compose/generate.ts';
import { renderOwnTemplates } from './support/chart.ts';
import { publicLabels, type RelabelRule, relabel } from './support/relabel.ts';

const execFileAsync = promisify(execFile);
const compose = readCompose();
const umbrellaValues = readValues(path.join(UMBRELLA_DIR, 'values.yaml'));
const kps = (...keys: string[]) => valueAt(umbrellaValues, ['kube-prometheus-stack', 'prometheus', ...keys]);

/** The Compose Specification's JSON schema, as the dclint package ships it. */
function composeSchema(): object {
  const manifest = createRequire(import.meta.url).resolve('dclint/package.json');
  return JSON.parse(readFileSync(path.join(path.dirname(manifest), 'schemas/compose.schema.json'), 'utf8'));
}
// The schema names its draft by an https URL that Ajv does not know as a meta-schema; Ajv implements draft-07.
const validateCompose = new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(
  composeSchema(),
);

/** What the upstream charts render and CI cannot (their charts are not here): small stand-ins of the same shape. */
const configMap = (name: string, data: Record<string, string>): K8sObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});
const UPSTREAM_STAND_INS: K8sObject[] = [
  configMap('loki', {
    'config.yaml': `memberlist:\n  join_members:\n  - loki-memberlist.${NAMESPACE}.svc.cluster.local\nserver:\n  http_listen_port: ${STACK.loki.port}\n`,
  }),
  configMap('loki-runtime', { 'runtime-config.yaml': '{}\n' }),
  configMap('tempo', {
    'tempo.yaml': `metrics_generator:\n  storage:\n    remote_write:\n    - url: http://${STACK.prometheus.service}:${STACK.prometheus.port}/api/v1/write\n`,
    'overrides.yaml': 'overrides: {}\n',
  }),
  configMap('grafana', { 'grafana.ini': '[analytics]\nreporting_enabled = false\n' }),
  configMap('grafana-config-dashboards', { 'provider.yaml': 'apiVersion: 1\nproviders: []\n' }),
  configMap('blackbox-exporter', { 'blackbox.yaml': 'modules:\n  http_2xx:\n    prober: http\n' }),
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'menagerie-promtail' },
    stringData: {
      'promtail.yaml': [
        `clients: [{url: "http://loki.${NAMESPACE}.svc:${STACK.loki.port}/loki/api/v1/push"}]`,
        'scrape_configs:',
        '  - job_name: kubernetes-pods',
        '    pipeline_stages: [{cri: {}}, {match: {selector: "{app=\\"x\\"}", stages: []}}]',
        '    kubernetes_sd_configs: [{role: pod}]',
        '    relabel_configs:',
        '      - {source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_name, __meta_kubernetes_pod_name], regex: "^;*([^;]+)(;.*)?$", target_label: app}',
        '      - {source_labels: [__meta_kubernetes_namespace], target_label: namespace}',
        '      - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}',
        '      - {source_labels: [__meta_kubernetes_pod_container_name], target_label: container}',
      ].join('\n'),
    },
  },
];

/** The cluster DNS names compose answers to for a service. */
const aliases = (service: string): readonly string[] => {
  const networks = compose.services[service]?.networks as
    | Readonly<Record<string, { aliases?: readonly string[] } | null>>
    | undefined;
  return networks?.menagerie?.aliases ?? [];
};
const clusterNames = (service: string) => [
  `${service}.${NAMESPACE}`,
  `${service}.${NAMESPACE}.svc`,
  `${service}.${NAMESPACE}.svc.cluster.local`,
];
/** Services with the names of the cluster's Services (ours and the upstream charts'), and the ports they listen on. */
const SERVICES = [
  { service: SERVER.name, port: SERVER.port },
  { service: CLIENT.name, port: CLIENT.port },
  STACK.prometheus,
  STACK.alertmanager,
  STACK.loki,
  STACK.tempo,
  STACK.blackboxExporter,
] as const;

describe('Docker Compose (compose.yaml)', () => {
  let files: Record<string, string>;

  before(async () => {
    const own = await renderOwnTemplates();
    // Stand-ins render no images: let the image check see compose's own as the release's.
    const images = Object.values(compose.services).flatMap((spec) => (spec.image ? [spec.image] : []));
    const runsThem: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'images' },
      spec: { containers: images.map((image, index) => ({ name: `c${index}`, image })) },
    };
    files = generateComposeFiles(compose, [...own, ...UPSTREAM_STAND_INS, runsThem]);
  });

  after(removeTempDirs);

  it("validates against the Compose Specification's JSON schema, which refuses a broken file", () => {
    expect(validateCompose(compose), JSON.stringify(validateCompose.errors)).to.equal(true);
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    (broken.services[SERVER.name] as Record<string, unknown>).restart_policy = 'always';
    (broken.services.grafana as Record<string, unknown>).ports = '3000:3000';
    expect(validateCompose(broken)).to.equal(false);
    const errors = (validateCompose.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
    expect(errors.join('\n'))
      .to.include('must NOT have additional properties')
      .and.include('/services/grafana/ports');
  });

  it('names each service after the cluster Service it stands for, answering to its cluster DNS names', () => {
    for (const { service } of SERVICES) {
      expect(compose.services, service).to.have.property(service);
      expect(aliases(service), service).to.include.members(clusterNames(service));
    }
    expect(compose.services).to.have.property(STACK.grafana.service);
    expect(aliases('loki')).to.include(`loki-memberlist.${NAMESPACE}.svc.cluster.local`);
  });

  it('publishes each program on loopback only, on the port it listens on in the cluster', () => {
    const published = (service: string) =>
      (compose.services[service]?.ports ?? []).map((port) => {
        const [host, hostPort, containerPort] = port.split(':');
        return { host, hostPort: Number(hostPort), containerPort: Number(containerPort) };
      });
    for (const { service, port } of SERVICES) {
      expect(published(service), service).to.deep.equal([
        { host: '127.0.0.1', hostPort: port, containerPort: port },
      ]);
    }
    expect(valueAt(umbrellaValues, ['loki', 'loki', 'server', 'http_listen_port'])).to.equal(STACK.loki.port);
    // Grafana listens on its own default 3000 behind the Service's port 80 in the cluster too.
    expect(published('grafana')).to.deep.equal([{ host: '127.0.0.1', hostPort: 3000, containerPort: 3000 }]);
  });

  it('runs images pinned to an exact tag, ours built from the Dockerfile at the charts’ appVersion', () => {
    for (const [service, spec] of Object.entries(compose.services)) {
      expect(spec.image, service).to.match(/^[a-z0-9./-]+:(v?\d+\.\d+\.\d+[-\w.]*)$/);
    }
    for (const app of [SERVER, CLIENT]) {
      const chart = parse(readFileSync(path.join(REPOSITORY_ROOT, 'charts', app.name, 'Chart.yaml'), 'utf8'));
      const repository = valueAt(readValues(path.join(REPOSITORY_ROOT, 'charts', app.name, 'values.yaml')), [
        'image',
        'repository',
      ]);
      const spec = compose.services[app.name] as {
        image: string;
        build: { context: string; args: { APP: string } };
      };
      expect(spec.image).to.equal(`${repository}:${chart.appVersion}`);
      expect(spec.build).to.deep.equal({ context: '.', args: { APP: app.name.replace('menagerie-', '') } });
    }
  });

  it('runs Prometheus with the retention, features and remote-write receiver of the chart’s Prometheus', () => {
    const command = compose.services[STACK.prometheus.service]?.command ?? [];
    expect(command).to.include(`--storage.tsdb.retention.time=${kps('prometheusSpec', 'retention')}`);
    expect(command).to.include(`--storage.tsdb.retention.size=${kps('prometheusSpec', 'retentionSize')}`);
    for (const feature of kps('prometheusSpec', 'enableFeatures') as string[]) {
      expect(command).to.include(`--enable-feature=${feature}`);
    }
    expect(kps('prometheusSpec', 'enableRemoteWriteReceiver')).to.equal(true);
    expect(command).to.include('--web.enable-remote-write-receiver');
  });

  it('mounts only files that exist or that the generator writes, and the chart’s own rules and Alertmanager config', () => {
    expect(mountProblems(compose, files)).to.deep.equal([]);
    const sources = bindMounts(compose).map((mount) => mount.source);
    expect(sources).to.include(`./${OUTPUT_DIR.rules}`);
    expect(sources).to.include(`./${OUTPUT_DIR.alertmanager}/alertmanager.yaml`);
    const broken: ComposeProject = {
      ...compose,
      services: {
        ...compose.services,
        grafana: {
          ...compose.services.grafana,
          volumes: ['./.compose/grafana/missing.ini:/x', './nowhere:/y', '/etc:/z'],
        },
      },
    };
    expect(mountProblems(broken, files)).to.deep.equal([
      'grafana: ./.compose/grafana/missing.ini is not written by the generator',
      'grafana: ./nowhere does not exist',
      'grafana: /etc is a host path outside the repository',
    ]);
  });

  it('refuses to generate for a compose.yaml whose image the chart does not run', async () => {
    const own = await renderOwnTemplates();
    const stale: ComposeProject = {
      ...compose,
      services: {
        ...compose.services,
        loki: { ...compose.services.loki, image: 'docker.io/grafana/loki:3.0.0' },
      },
    };
    expect(imageProblems(stale, [...own])).to.include(
      'loki: docker.io/grafana/loki:3.0.0 is not an image the rendered release runs',
    );
    expect(() => generateComposeFiles(stale, [...own, ...UPSTREAM_STAND_INS])).to.throw(
      ComposeMismatchError,
      'loki',
    );
  });

  it('gives the apps the environment the kubelet would, every address one a compose service answers to', () => {
    const env = (app: string) =>
      Object.fromEntries(
        (files[`${app}.env`] ?? '')
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
    const client = env(CLIENT.name);
    expect(client.POD_NAMESPACE).to.equal(NAMESPACE);
    expect(client.OTEL_RESOURCE_ATTRIBUTES)
      .to.include(`k8s.namespace.name=${NAMESPACE}`)
      .and.not.include('$(');
    expect(aliases(SERVER.name)).to.include(new URL(client.SERVER_URL ?? '').hostname);
    expect(aliases(STACK.tempo.service)).to.include(
      new URL(env(SERVER.name).OTEL_EXPORTER_OTLP_ENDPOINT ?? '').hostname,
    );
  });

  it('leaves every cluster address in the generated files to one a compose service answers to', () => {
    const known = new Set(Object.keys(compose.services).flatMap((service) => [service, ...aliases(service)]));
    const hosts = Object.values(files).flatMap((text) =>
      [...text.matchAll(/https?:\/\/([a-z0-9.-]+):\d+/g)].map((match) => match[1] as string),
    );
    expect(hosts.length).to.be.greaterThan(5);
    for (const host of hosts) expect(known.has(host), host).to.equal(true);
  });

  it("turns promtail's pod discovery into Docker discovery of this project, with the labels the chart's rules give", () => {
    const config = parse(files['promtail/promtail.yaml'] ?? '');
    const [job] = config.scrape_configs;
    expect(job.kubernetes_sd_configs).to.equal(undefined);
    expect(job.docker_sd_configs[0].filters).to.deep.equal([
      { name: 'label', values: [`com.docker.compose.project=${compose.name}`] },
    ]);
    expect(job.pipeline_stages.some((stage: object) => 'cri' in stage)).to.equal(false);
    // What Docker discovery gives the server's container, as compose names and labels it.
    const docker = {
      __meta_docker_container_name: `/${SERVER.name}`,
      __meta_docker_container_label_com_docker_compose_service: SERVER.name,
      __meta_docker_container_label_io_kubernetes_container_name:
        compose.services[SERVER.name]?.labels?.['io.kubernetes.container.name'] ?? '',
    };
    expect(publicLabels(relabel(docker, job.relabel_configs as RelabelRule[]))).to.deep.equal({
      app: SERVER.name,
      namespace: NAMESPACE,
      pod: SERVER.name,
      container: SERVER.container,
    });
  });

  it('writes a Prometheus configuration that promtool accepts, with the chart’s rule files', async () => {
    const dir = makeTempDir('compose-prometheus');
    const etc = path.join(dir, 'etc/prometheus');
    mkdirSync(etc, { recursive: true });
    cpSync(path.join(REPOSITORY_ROOT, OUTPUT_DIR.rules), path.join(etc, 'rules'), { recursive: true });
    for (const name of ['prometheus.yml', 'server-targets.json']) {
      writeFileSync(
        path.join(etc, name),
        (files[`prometheus/${name}`] ?? '').replaceAll('/etc/prometheus/', `${etc}/`),
      );
    }
    const { stdout } = await execFileAsync('promtool', ['check', 'config', path.join(etc, 'prometheus.yml')]);
    expect(stdout).to.include('SUCCESS');
    for (const rule of chartRuleFileNames()) expect(stdout).to.include(rule);
  });
});
