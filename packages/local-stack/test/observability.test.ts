import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT, DATASOURCE_UID, NAMESPACE, SERVER, STACK } from '@menagerie/contract';
import type { K8sObject } from '@menagerie/tools/charts/manifests';
import { expect } from 'chai';
import { parse } from 'yaml';
import {
  grafanaFiles,
  type LocalPod,
  lokiConfig,
  podLogFile,
  podMetaLabels,
  podTargets,
  promtailConfig,
  tempoConfig,
} from '../src/observability/configs.ts';
import { withIniSettings } from '../src/observability/ini.ts';
import { type Loopback, toLoopback } from '../src/observability/loopback.ts';
import { findLgtm, LGTM_BIN_ENV, missingLgtmLines } from '../src/observability/programs.ts';
import { stackLoopback } from '../src/observability/start.ts';
import { renderOwnTemplates } from './support/chart.ts';
import { publicLabels, relabel } from './support/relabel.ts';

const MAP: Loopback = {
  host: '127.0.0.1',
  namespace: NAMESPACE,
  routes: [
    { service: 'loki', port: 3100, local: 13100 },
    { service: 'loki', port: 9095, local: 19095 },
    { service: 'loki-memberlist', local: 17946 },
    { service: 'kps-prometheus', port: 9090, local: 19090 },
  ],
  listen: { 4318: 14318 },
  paths: { '/var/loki': '/stack/loki', '/var/log/pods': '/stack/logs/pods' },
};

/** A rendered ConfigMap or Secret, as helm template gives it. */
const configMap = (
  name: string,
  data: Record<string, string>,
  extra: Partial<K8sObject> = {},
): K8sObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
  ...extra,
});

describe('loopback mapping of the rendered configuration', () => {
  it('turns every form of a Service address into its loopback port, longer names first', () => {
    const text = [
      'url: http://loki:3100/loki/api/v1/push',
      'a: loki.menagerie:3100',
      'b: http://loki.menagerie.svc:3100',
      'c: loki.menagerie.svc.cluster.local:9095',
      '  - loki-memberlist.menagerie.svc.cluster.local',
      'd: http://kps-prometheus:9090/api/v1/write',
    ].join('\n');
    expect(toLoopback(text, MAP).split('\n')).to.deep.equal([
      'url: http://127.0.0.1:13100/loki/api/v1/push',
      'a: 127.0.0.1:13100',
      'b: http://127.0.0.1:13100',
      'c: 127.0.0.1:19095',
      '  - 127.0.0.1:17946',
      'd: http://127.0.0.1:19090/api/v1/write',
    ]);
  });

  it('leaves other names, other namespaces and other ports alone', () => {
    const text = 'x: loki-gateway:80\ny: myloki:3100\nz: loki.other.svc:3100\nw: loki:31000\nv: /var/lokis/x';
    expect(toLoopback(text, MAP)).to.equal(text);
  });

  it('listens on loopback instead of every interface, and moves the container paths', () => {
    const text =
      'endpoint: 0.0.0.0:4318\ngrpc: 0.0.0.0:4317\npath: /var/loki/chunks\nfile: /var/log/pods/*abc/server/*.log';
    expect(toLoopback(text, MAP)).to.equal(
      'endpoint: 127.0.0.1:14318\ngrpc: 127.0.0.1:4317\npath: /stack/loki/chunks\nfile: /stack/logs/pods/*abc/server/*.log',
    );
  });

  it("maps the stack's own Services to the ports the local stack gives them", () => {
    const map = stackLoopback('/d', {
      prometheus: 1,
      alertmanager: 2,
      loki: 3,
      tempo: 4,
      promtail: 5,
      grafana: 6,
    });
    const text = `${STACK.prometheus.service}:${STACK.prometheus.port} ${STACK.alertmanager.service}.${NAMESPACE}.svc:${STACK.alertmanager.port} ${STACK.loki.service}:${STACK.loki.port} ${STACK.tempo.service}:${STACK.tempo.port}`;
    expect(toLoopback(text, map)).to.equal('127.0.0.1:1 127.0.0.1:2 127.0.0.1:3 127.0.0.1:4');
  });
});

describe('grafana.ini settings', () => {
  const ini =
    "[analytics]\nreporting_enabled = false\n\n[paths]\ndata = /var/lib/grafana/\nlogs = /var/log/grafana\n\n[server]\ndomain = ''\n";

  it('replaces keys in place, adds missing ones to their section and new sections at the end', () => {
    const out = withIniSettings(ini, {
      paths: { data: '/d', provisioning: '/p' },
      server: { http_port: '3000', domain: 'localhost' },
      security: { admin_user: 'admin' },
    });
    expect(out).to.equal(
      '[analytics]\nreporting_enabled = false\n\n[paths]\ndata = /d\nlogs = /var/log/grafana\nprovisioning = /p\n\n' +
        '[server]\ndomain = localhost\nhttp_port = 3000\n\n[security]\nadmin_user = admin\n',
    );
  });
});

describe("each program's configuration, from the rendered release", () => {
  const server: LocalPod = {
    deployment: SERVER.name,
    pod: `${SERVER.name}-local-0`,
    uid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    container: SERVER.container,
    node: 'laptop',
  };
  let own: K8sObject[];

  before(async () => {
    own = await renderOwnTemplates();
  });

  it("gives promtail's Kubernetes relabelling of a local pod the labels a cluster pod gets, and the kubelet's log path", () => {
    // The relabelling promtail's chart renders for its kubernetes-pods job.
    const rules = [
      {
        source_labels: ['__meta_kubernetes_pod_controller_name'],
        regex: '([0-9a-z-.]+?)(-[0-9a-f]{8,10})?',
        target_label: '__tmp_controller_name',
      },
      {
        source_labels: [
          '__meta_kubernetes_pod_label_app_kubernetes_io_name',
          '__meta_kubernetes_pod_label_app',
          '__tmp_controller_name',
          '__meta_kubernetes_pod_name',
        ],
        regex: '^;*([^;]+)(;.*)?$',
        target_label: 'app',
      },
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node_name' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { replacement: '$1', separator: '/', source_labels: ['namespace', 'app'], target_label: 'job' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      {
        replacement: '/var/log/pods/*$1/*.log',
        separator: '/',
        source_labels: ['__meta_kubernetes_pod_uid', '__meta_kubernetes_pod_container_name'],
        target_label: '__path__',
      },
    ];
    const labels = relabel(podMetaLabels(own, server), rules);
    expect(publicLabels(labels)).to.deep.include({
      app: SERVER.name,
      namespace: NAMESPACE,
      job: `${NAMESPACE}/${SERVER.name}`,
      pod: server.pod,
      container: SERVER.container,
      node_name: 'laptop',
    });
    const glob = new RegExp(`^${(labels.__path__ ?? '').replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
    expect(`/var/log/pods/${podLogFile(server).slice('pods/'.length)}`).to.match(glob);
    const [target] = JSON.parse(podTargets(own, [server]));
    expect(target.labels.__meta_kubernetes_pod_label_app_kubernetes_io_name).to.equal(SERVER.name);
    expect(() => podMetaLabels(own, { ...server, deployment: CLIENT.name })).to.not.throw();
  });

  it('replaces only promtail’s Kubernetes discovery, by file discovery of the local pods', () => {
    const secret: K8sObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'menagerie-promtail' },
      stringData: {
        'promtail.yaml': [
          'server:',
          '  http_listen_port: 3101',
          'clients:',
          `  - url: http://loki.${NAMESPACE}.svc:3100/loki/api/v1/push`,
          'positions:',
          '  filename: /run/promtail/positions.yaml',
          'scrape_configs:',
          '  - job_name: kubernetes-pods',
          '    pipeline_stages: [{cri: {}}]',
          '    kubernetes_sd_configs: [{role: pod}]',
          '    relabel_configs: [{source_labels: [__meta_kubernetes_pod_name], target_label: pod}]',
        ].join('\n'),
      },
    };
    const config = parse(
      promtailConfig(
        [secret],
        { ...MAP, paths: { ...MAP.paths, '/run/promtail': '/stack/promtail' } },
        '/stack/targets.json',
        13101,
      ),
    );
    expect(config.clients).to.deep.equal([{ url: 'http://127.0.0.1:13100/loki/api/v1/push' }]);
    expect(config.positions.filename).to.equal('/stack/promtail/positions.yaml');
    expect(config.server).to.include({ http_listen_address: '127.0.0.1', http_listen_port: 13101 });
    const [job] = config.scrape_configs;
    expect(job.kubernetes_sd_configs).to.equal(undefined);
    expect(job.file_sd_configs[0].files).to.deep.equal(['/stack/targets.json']);
    expect(job.pipeline_stages).to.deep.equal([{ cri: {} }]);
    expect(job.relabel_configs).to.have.length(1);
  });

  it('runs Loki and Tempo on loopback with their own gRPC and gossip ports, the rest of their configuration as rendered', () => {
    const loki = configMap('loki', {
      'config.yaml':
        'common:\n  compactor_grpc_address: loki.menagerie.svc.cluster.local:9095\n  path_prefix: /var/loki\nmemberlist:\n  join_members:\n  - loki-memberlist.menagerie.svc.cluster.local\nserver:\n  http_listen_port: 3100\nlimits_config:\n  retention_period: 72h\n',
    });
    const lokiYaml = parse(lokiConfig([loki], MAP, { http: 13100, grpc: 19095, memberlist: 17946 }));
    expect(lokiYaml.common).to.deep.include({
      compactor_grpc_address: '127.0.0.1:19095',
      path_prefix: '/stack/loki',
    });
    expect(lokiYaml.memberlist).to.deep.include({
      join_members: ['127.0.0.1:17946'],
      bind_port: 17946,
      bind_addr: ['127.0.0.1'],
    });
    expect(lokiYaml.server).to.include({
      http_listen_address: '127.0.0.1',
      http_listen_port: 13100,
      grpc_listen_port: 19095,
    });
    expect(lokiYaml.limits_config).to.deep.equal({ retention_period: '72h' });

    const tempo = configMap('tempo', {
      'tempo.yaml':
        'distributor:\n  receivers:\n    otlp:\n      protocols:\n        http:\n          endpoint: 0.0.0.0:4318\nmetrics_generator:\n  storage:\n    remote_write:\n    - url: http://kps-prometheus:9090/api/v1/write\n',
      'overrides.yaml': 'overrides: {}\n',
    });
    const tempoYaml = parse(tempoConfig([tempo], MAP, { http: 13200, grpc: 19097, memberlist: 17947 }).tempo);
    expect(tempoYaml.distributor.receivers.otlp.protocols.http.endpoint).to.equal('127.0.0.1:14318');
    expect(tempoYaml.metrics_generator.storage.remote_write).to.deep.equal([
      { url: 'http://127.0.0.1:19090/api/v1/write' },
    ]);
    expect(tempoYaml.server).to.include({ http_listen_port: 13200, grpc_listen_port: 19097 });
  });

  it("provisions Grafana with the chart's datasources, at loopback addresses, and its dashboards by folder", () => {
    const grafana = configMap('grafana', { 'grafana.ini': '[analytics]\nreporting_enabled = false\n' });
    const map = stackLoopback('/d', {
      prometheus: 19090,
      alertmanager: 19093,
      loki: 13100,
      tempo: 13200,
      promtail: 13101,
      grafana: 13000,
    });
    const files = grafanaFiles([...own, grafana], map);
    const [file] = Object.values(files.datasources);
    const datasources = parse(file ?? '').datasources as { uid: string; url: string }[];
    expect(Object.fromEntries(datasources.map((d) => [d.uid, d.url]))).to.deep.equal({
      [DATASOURCE_UID.prometheus]: 'http://127.0.0.1:19090',
      [DATASOURCE_UID.alertmanager]: 'http://127.0.0.1:19093',
      [DATASOURCE_UID.loki]: 'http://127.0.0.1:13100',
      [DATASOURCE_UID.tempo]: 'http://127.0.0.1:13200',
    });
    expect(Object.keys(files.dashboards)).to.deep.equal(['Menagerie']);
    expect(Object.keys(files.dashboards.Menagerie ?? {})).to.have.length(6);
    expect(files.ini).to.include('reporting_enabled = false');
  });
});

describe('the observability programs', () => {
  it(`are found in $${LGTM_BIN_ENV} before PATH, Grafana with its home; each missing one is named with what it adds`, () => {
    const root = mkdtempSync(join(tmpdir(), 'lgtm-'));
    const bin = join(root, 'bin');
    const home = join(root, 'grafana-home');
    mkdirSync(bin);
    mkdirSync(join(home, 'conf'), { recursive: true });
    mkdirSync(join(home, 'bin'));
    writeFileSync(join(home, 'conf', 'defaults.ini'), '');
    for (const file of [join(bin, 'loki'), join(home, 'bin', 'grafana-server')]) {
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o755);
    }
    symlinkSync(join(home, 'bin', 'grafana-server'), join(bin, 'grafana-server'));
    const found = findLgtm({ [LGTM_BIN_ENV]: bin, PATH: '' });
    expect(found.loki?.path).to.equal(join(bin, 'loki'));
    expect(found.grafana).to.deep.equal({ path: join(bin, 'grafana-server'), home });
    const lines = missingLgtmLines(found);
    expect(lines).to.have.length(2);
    expect(lines.join('\n'))
      .to.include('tempo not found')
      .and.include('promtail not found')
      .and.include('traces');
    expect(missingLgtmLines(findLgtm({ PATH: '' }))).to.have.length(4);
  });
});
