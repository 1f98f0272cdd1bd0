import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ALERT,
  BLACKBOX_PROBE,
  CLIENT,
  DATASOURCE_UID,
  EXEMPLAR_LABEL,
  LOG_FIELD,
  LOKI_LABEL,
  NAMESPACE,
  OTLP,
  PAGING,
  RELEASE,
  REPOSITORY_URL,
  RUNBOOK_BASE_URL,
  SERVER,
  SERVER_METRICS,
  STACK,
} from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import {
  APP_LIBRARY_CHART_DIR,
  CLIENT_CHART_DIR,
  isLocalDependency,
  makeTempDir,
  readChart,
  SERVER_CHART_DIR,
  standaloneChart,
  UMBRELLA_DIR,
  umbrellaCopy,
} from '@menagerie/tools/charts/charts';
import { helm, helmTemplateError } from '@menagerie/tools/charts/helm';
import {
  envValue,
  findObject,
  type K8sObject,
  ofKind,
  podSpecOf,
  selects,
} from '@menagerie/tools/charts/manifests';
import { chartRunbookBaseUrl, withRunbookLinks } from '@menagerie/tools/charts/runbook-links';
import { readValues, valueAt } from '@menagerie/tools/charts/values';
import { alloyPushUrls, provisionedDatasources, serviceTarget } from '@menagerie/tools/charts/wiring';
import { expect } from 'chai';
import { parse } from 'yaml';
import { allSchemaProblems, decodeBase64, render } from './support/render.ts';
import { runTestPodScript } from './support/test-pod.ts';

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const execFileAsync = promisify(execFile);
const KPS = 'kube-prometheus-stack';
const values = readValues(path.join(UMBRELLA_DIR, 'values.yaml'));
const at = (...keys: string[]) => valueAt(values, keys);

const DASHBOARD = (title: string) =>
  JSON.stringify({ title, uid: title.toLowerCase(), panels: [], schemaVersion: 39 });
const RULES = `groups:
  - name: menagerie-fixture
    rules:
      - alert: FixtureServerDown
        expr: up{job="${SERVER.name}"} == 0
        for: 1m
        labels:
          severity: critical
        annotations:
          summary: The server is not scraped.
`;
const ALERTMANAGER = `route:
  receiver: default
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
receivers:
  - name: default
  - name: pager
    webhook_configs:
      - url: http://pager.invalid/alert
        http_config:
          authorization:
            credentials_file: /etc/alertmanager/secrets/menagerie-pagerduty/routing-key
`;

async function tool(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') throw new Error(`${command} is not on PATH: scripts/test.sh installs it`);
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

describe('umbrella chart menagerie (remote dependencies left out)', () => {
  let chartDir: string;
  let objects: K8sObject[];

  before(async () => {
    chartDir = umbrellaCopy();
    objects = await render(chartDir, { release: RELEASE, namespace: NAMESPACE });
  });

  it('leaves out only the remote dependencies, each pinned to an exact version', () => {
    const dependencies = readChart(UMBRELLA_DIR).dependencies ?? [];
    const remote = dependencies.filter((dependency) => !isLocalDependency(dependency));
    expect(remote.map((dependency) => dependency.name)).to.have.members([
      KPS,
      'loki',
      'tempo',
      'tempo-distributed',
      'grafana',
      'promtail',
      'alloy',
      'prometheus-blackbox-exporter',
      'prometheus-adapter',
      'thanos',
    ]);
    for (const dependency of remote) expect(dependency.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(readChart(chartDir).dependencies?.map((dependency) => dependency.name)).to.deep.equal([
      SERVER.name,
      CLIENT.name,
      path.basename(APP_LIBRARY_CHART_DIR),
    ]);
  });

  // helm lint --strict of the umbrella with its default values is ct lint's (chart-testing.test.ts).
  it('renders objects that all validate against their schemas', async () => {
    expect(await allSchemaProblems(objects)).to.deep.equal([]);
  });

  it('names every upstream Service as the contract does, through the fullnameOverrides', () => {
    expect(`${at(KPS, 'fullnameOverride')}-prometheus`).to.equal(STACK.prometheus.service);
    expect(`${at(KPS, 'fullnameOverride')}-alertmanager`).to.equal(STACK.alertmanager.service);
    expect(at(KPS, 'prometheus', 'service', 'port')).to.equal(STACK.prometheus.port);
    expect(at(KPS, 'alertmanager', 'service', 'port')).to.equal(STACK.alertmanager.port);
    expect(at('grafana', 'fullnameOverride')).to.equal(STACK.grafana.service);
    expect(at('grafana', 'service', 'port')).to.equal(STACK.grafana.port);
    expect(at('loki', 'fullnameOverride')).to.equal(STACK.loki.service);
    expect(at('loki', 'loki', 'server', 'http_listen_port')).to.equal(STACK.loki.port);
    expect(at('loki', 'gateway', 'enabled'), 'clients push to loki itself').to.equal(false);
    expect(at('tempo', 'fullnameOverride')).to.equal(STACK.tempo.service);
    expect(at('tempo', 'tempo', 'server', 'http_listen_port')).to.equal(STACK.tempo.port);
    const otlp = at('tempo', 'tempo', 'receivers', 'otlp', 'protocols') as Record<
      string,
      { endpoint: string }
    >;
    expect(otlp.grpc?.endpoint).to.equal(`0.0.0.0:${STACK.tempo.otlpGrpcPort}`);
    expect(otlp.http?.endpoint).to.equal(`0.0.0.0:${STACK.tempo.otlpHttpPort}`);
    expect([STACK.tempo.otlpGrpcPort, STACK.tempo.otlpHttpPort]).to.deep.equal([
      OTLP.grpcPort,
      OTLP.httpPort,
    ]);
    expect(at('prometheus-blackbox-exporter', 'fullnameOverride')).to.equal(STACK.blackboxExporter.service);
    expect(at('prometheus-blackbox-exporter', 'service', 'port')).to.equal(STACK.blackboxExporter.port);
  });

  it("points the log push URL, Tempo's remote write and the apps' OTLP endpoint at those Services", () => {
    // The upstream charts run these values through tpl with the release.
    const inRelease = (url: string) => url.replace('{{ .Release.Namespace }}', NAMESPACE);
    const expectTarget = (url: string, service: string, port: number, what: string) =>
      expect(serviceTarget(inRelease(url)), what).to.deep.include({ service, port });
    const [client] = at('promtail', 'config', 'clients') as { url: string }[];
    expectTarget(client?.url ?? '', STACK.loki.service, STACK.loki.port, 'promtail');
    expect(serviceTarget(inRelease(client?.url ?? '')).path).to.equal('/loki/api/v1/push');
    // Alloy's configuration pushes to its lokiPushUrl value, which the Alloy chart renders with tpl.
    const alloyUrls = alloyPushUrls(at('alloy', 'alloy', 'configMap', 'content') as string);
    expect(alloyUrls).to.deep.equal(['{{ tpl .Values.lokiPushUrl $ }}']);
    expect(at('alloy', 'lokiPushUrl')).to.equal(client?.url);
    const generator = 'tempo.tempo.metricsGenerator'.split('.');
    expectTarget(
      at(...generator, 'remoteWriteUrl') as string,
      STACK.prometheus.service,
      STACK.prometheus.port,
      'tempo',
    );
    for (const target of at(...generator, 'storage', 'remote_write') as {
      url: string;
      send_exemplars: boolean;
    }[]) {
      expectTarget(target.url, STACK.prometheus.service, STACK.prometheus.port, 'tempo remote_write');
      expect(serviceTarget(target.url).path).to.equal('/api/v1/write');
      expect(target.send_exemplars).to.equal(true);
    }
    for (const name of [SERVER.name, CLIENT.name]) {
      const container = podSpecOf(findObject(objects, 'Deployment', name)).containers[0];
      const endpoint = serviceTarget(envValue(container, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? '');
      expect(endpoint, name).to.deep.include({ service: STACK.tempo.service, port: OTLP.httpPort });
    }
    const probe = findObject(objects, 'Probe', `${SERVER.name}-readiness`);
    expect(serviceTarget(probe.spec.prober.url)).to.deep.include({
      service: STACK.blackboxExporter.service,
      namespace: NAMESPACE,
      port: STACK.blackboxExporter.port,
    });
    expect(probe.spec.jobName).to.equal(BLACKBOX_PROBE.job);
    expect(probe.spec.module).to.equal(BLACKBOX_PROBE.module);
  });

  it('provisions the four datasources with fixed uids, only Prometheus as default, at the Services', () => {
    const datasources = provisionedDatasources(objects);
    expect([...datasources.keys()]).to.have.members(Object.values(DATASOURCE_UID));
    const urls = {
      [DATASOURCE_UID.prometheus]: STACK.prometheus,
      [DATASOURCE_UID.alertmanager]: STACK.alertmanager,
      [DATASOURCE_UID.loki]: STACK.loki,
      [DATASOURCE_UID.tempo]: STACK.tempo,
    };
    for (const [uid, { service, port }] of Object.entries(urls)) {
      const datasource = datasources.get(uid);
      expect(serviceTarget(datasource?.url ?? ''), uid).to.deep.include({
        service,
        namespace: NAMESPACE,
        port,
      });
      expect(datasource?.isDefault, uid).to.equal(uid === DATASOURCE_UID.prometheus);
    }
    const configMap = findObject(objects, 'ConfigMap', 'menagerie-grafana-datasources');
    const sidecar = at('grafana', 'sidecar', 'datasources') as {
      label: string;
      labelValue: string;
      initDatasources: boolean;
    };
    expect(configMap.metadata.labels?.[sidecar.label]).to.equal(sidecar.labelValue);
    // Written by an init container before Grafana starts, not only through the reload API.
    expect(sidecar.initDatasources).to.equal(true);
  });

  it('cross-links the datasources: exemplars and log lines to traces, traces to logs, metrics and the service map', () => {
    const datasources = provisionedDatasources(objects);
    const json = (uid: string) => datasources.get(uid)?.jsonData ?? {};
    expect(json(DATASOURCE_UID.prometheus).exemplarTraceIdDestinations).to.deep.include({
      name: EXEMPLAR_LABEL.traceId,
      datasourceUid: DATASOURCE_UID.tempo,
      urlDisplayLabel: 'View trace',
    });

    const [derived] = json(DATASOURCE_UID.loki).derivedFields as {
      name: string;
      matcherRegex: string;
      datasourceUid: string;
      url: string;
    }[];
    expect(derived?.name).to.equal(LOG_FIELD.traceId);
    expect(derived?.datasourceUid).to.equal(DATASOURCE_UID.tempo);
    expect(derived?.url, 'provisioning escapes $ as $$').to.equal('$${__value.raw}');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const line = JSON.stringify({
      [LOG_FIELD.level]: 'info',
      [LOG_FIELD.message]: 'ok',
      [LOG_FIELD.traceId]: traceId,
    });
    expect(new RegExp(derived?.matcherRegex ?? '$^').exec(line)?.[1]).to.equal(traceId);

    const tempo = json(DATASOURCE_UID.tempo) as Record<string, Record<string, unknown>>;
    expect(tempo.tracesToLogsV2).to.deep.include({
      datasourceUid: DATASOURCE_UID.loki,
      filterByTraceID: true,
    });
    expect(tempo.tracesToLogsV2?.tags).to.deep.equal([{ key: 'service.name', value: LOKI_LABEL.app }]);
    expect(tempo.tracesToMetrics?.datasourceUid).to.equal(DATASOURCE_UID.prometheus);
    expect(tempo.tracesToMetrics?.tags).to.deep.equal([{ key: 'service.name', value: 'job' }]);
    for (const query of (tempo.tracesToMetrics?.queries ?? []) as { query: string }[]) {
      expect(query.query).to.include(`${SERVER_METRICS.requestDuration.name}_count{$$__tags`);
    }
    expect(tempo.serviceMap).to.deep.equal({ datasourceUid: DATASOURCE_UID.prometheus });
    expect(tempo.lokiSearch).to.deep.equal({ datasourceUid: DATASOURCE_UID.loki });
  });

  it('generates the Grafana admin password into the Secret Grafana reads, never from values', async () => {
    const admin = at('grafana', 'admin') as { existingSecret: string; userKey: string; passwordKey: string };
    const secret = findObject(objects, 'Secret', admin.existingSecret);
    expect(decodeBase64(secret.data[admin.userKey])).to.equal('admin');
    const password = decodeBase64(secret.data[admin.passwordKey]);
    expect(password).to.match(/^[A-Za-z0-9]{32}$/);
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).to.equal('keep');
    const again = await render(chartDir, { showOnly: 'templates/grafana-admin-secret.yaml' });
    expect(
      decodeBase64(findObject(again, 'Secret', admin.existingSecret).data[admin.passwordKey]),
    ).to.not.equal(password);
    expect(at('grafana', 'adminPassword')).to.equal(undefined);
  });

  it("configures kube-prometheus-stack: any release's monitors and rules, exemplars, remote write", () => {
    for (const kind of ['serviceMonitor', 'podMonitor', 'probe', 'rule', 'scrapeConfig']) {
      expect(at(KPS, 'prometheus', 'prometheusSpec', `${kind}SelectorNilUsesHelmValues`), kind).to.equal(
        false,
      );
    }
    expect(at(KPS, 'prometheus', 'prometheusSpec', 'enableFeatures')).to.include('exemplar-storage');
    expect(at(KPS, 'prometheus', 'prometheusSpec', 'enableRemoteWriteReceiver')).to.equal(true);
    expect(at(KPS, 'grafana', 'enabled')).to.equal(false);
    expect(at(KPS, 'crds', 'enabled'), 'the helmfile installs the CRDs').to.equal(false);
    // Without the admission webhooks nothing creates the operator's TLS Secret.
    expect(at(KPS, 'prometheusOperator', 'admissionWebhooks', 'enabled')).to.equal(false);
    expect(at(KPS, 'prometheusOperator', 'tls', 'enabled')).to.equal(false);
    for (const component of ['kubeControllerManager', 'kubeScheduler', 'kubeEtcd', 'kubeProxy']) {
      expect(at(KPS, component, 'enabled'), component).to.equal(false);
    }
    expect(at('loki', 'deploymentMode')).to.equal('Monolithic');
    expect(at('loki', 'loki', 'storage', 'type')).to.equal('filesystem');
    expect(at('loki', 'chunksCache', 'enabled')).to.equal(false);
    expect(at('loki', 'resultsCache', 'enabled')).to.equal(false);
    expect(at('tempo', 'tempo', 'overrides', 'defaults', 'metrics_generator', 'processors')).to.have.members([
      'service-graphs',
      'span-metrics',
      'local-blocks',
    ]);
    // TraceQL metrics (Grafana's Traces Drilldown) read every span from blocks kept in storage.
    expect(at('tempo', 'tempo', 'metricsGenerator', 'processor', 'local_blocks')).to.deep.equal({
      filter_server_spans: false,
      flush_to_storage: true,
    });
  });

  it('parses our JSON log lines the same way with promtail and with Alloy', () => {
    const stages = at('promtail', 'config', 'snippets', 'pipelineStages') as Record<string, unknown>[];
    // biome-ignore lint/suspicious/noExplicitAny: promtail's pipeline stages
    const match = stages.find((stage) => 'match' in stage)?.match as any;
    const apps = new RegExp(`^${/app=~"([^"]+)"/.exec(match.selector)?.[1]}$`);
    expect([SERVER.name, CLIENT.name].every((name) => apps.test(name))).to.equal(true);
    expect(apps.test('grafana')).to.equal(false);
    // biome-ignore lint/suspicious/noExplicitAny: promtail's pipeline stages
    const stage = (name: string) => match.stages.find((each: any) => name in each)?.[name];
    expect(stage('json').expressions).to.deep.equal({
      [LOG_FIELD.level]: LOG_FIELD.level,
      [LOG_FIELD.traceId]: LOG_FIELD.traceId,
    });
    expect(Object.keys(stage('labels'))).to.deep.equal([LOKI_LABEL.level]);
    expect(Object.keys(stage('structured_metadata'))).to.deep.equal([LOG_FIELD.traceId]);

    const alloy = at('alloy', 'alloy', 'configMap', 'content') as string;
    expect(alloy).to.include(`selector = "${match.selector.replaceAll('"', '\\"')}"`);
    expect(alloy).to.include(
      `expressions = { ${LOG_FIELD.level} = "${LOG_FIELD.level}", ${LOG_FIELD.traceId} = "${LOG_FIELD.traceId}" }`,
    );
    expect(alloy).to.include(`values = { ${LOKI_LABEL.level} = "" }`);
    expect(alloy).to.include(`values = { ${LOG_FIELD.traceId} = "" }`);
    const targets = [...alloy.matchAll(/target_label\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
    const streamLabels = Object.values(LOKI_LABEL).filter((label) => label !== LOKI_LABEL.level);
    expect(targets).to.include.members(streamLabels);
  });

  it('runs Alloy as a non-root user under the restricted profile, its storage path on a writable volume', () => {
    // The upstream image sets no user and the chart's default contexts are empty.
    const pod = at('alloy', 'global', 'podSecurityContext') as Record<string, unknown>;
    expect(pod).to.deep.include({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.runAsUser).to.be.a('number').greaterThan(0);
    expect(at('alloy', 'alloy', 'securityContext')).to.deep.equal({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const storagePath = at('alloy', 'alloy', 'storagePath');
    const mounts = at('alloy', 'alloy', 'mounts', 'extra') as { name: string; mountPath: string }[];
    const volumes = at('alloy', 'controller', 'volumes', 'extra') as { name: string; emptyDir?: object }[];
    const mount = mounts.find((each) => each.mountPath === storagePath);
    expect(mount, `a volume mounted at ${storagePath}`).to.not.equal(undefined);
    expect(volumes.find((volume) => volume.name === mount?.name)?.emptyDir).to.not.equal(undefined);
  });

  it('completes the restricted contexts that the Tempo and blackbox exporter charts leave out', () => {
    // Merged over the charts' defaults by helm. Tempo's pod context sets only
    // the user and runAsNonRoot, its container context nothing; the blackbox
    // exporter's container context is restricted but no seccomp profile is
    // set. A namespace enforcing restricted refused both pods
    // (scripts/control-plane-check.sh, docs/control-plane.md).
    const runtimeDefault = { type: 'RuntimeDefault' };
    expect(at('tempo', 'securityContext', 'seccompProfile')).to.deep.equal(runtimeDefault);
    expect(at('tempo', 'tempo', 'securityContext')).to.deep.equal({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(at('prometheus-blackbox-exporter', 'podSecurityContext', 'seccompProfile')).to.deep.equal(
      runtimeDefault,
    );
  });

  it("keeps Loki's single replica from giving up before its memberlist Service lists it, in its own ring", () => {
    // Merged over the chart's defaults (abort true, 10 retries) by helm.
    expect(at('loki', 'loki', 'extraMemberlistConfig')).to.deep.equal({
      cluster_label: 'loki',
      abort_if_cluster_join_fails: false,
    });
    expect(at('loki', 'singleBinary', 'replicas')).to.equal(1);
  });

  it('renders exactly one log collector and refuses both or neither', async () => {
    expect(at('promtail', 'enabled')).to.equal(true);
    expect(at('alloy', 'enabled')).to.equal(false);
    for (const set of [{ 'alloy.enabled': 'true' }, { 'promtail.enabled': 'false' }]) {
      expect(await helmTemplateError(chartDir, { set })).to.include('exactly one log collector');
    }
  });

  it('refuses to render when a written-out cross-reference disagrees with the Service names', async () => {
    const cases: [Record<string, string>, string][] = [
      [
        { 'tempo.tempo.metricsGenerator.remoteWriteUrl': 'http://prometheus:9090/api/v1/write' },
        'remoteWriteUrl',
      ],
      [{ 'kube-prometheus-stack.fullnameOverride': 'prom' }, 'remoteWriteUrl'],
      [{ 'loki.fullnameOverride': 'logs' }, 'promtail.config.clients[0].url'],
      [{ 'tempo.fullnameOverride': 'traces' }, 'menagerie-server.tracing.otlpEndpoint'],
      [{ 'menagerie-client.server.port': '9000' }, 'menagerie-client.server.port'],
      [{ 'menagerie-client.server.name': 'api' }, 'menagerie-client.server.name'],
      [{ 'prometheus-blackbox-exporter.fullnameOverride': 'bb' }, 'blackboxProbe.proberUrl'],
      [{ 'kube-prometheus-stack.grafana.sidecar.dashboards.label': 'dash' }, 'sidecar.dashboards.label'],
      [{ 'kube-prometheus-stack.alertmanager.alertmanagerSpec.secrets': 'null' }, 'alertmanagerSpec.secrets'],
      [
        { 'kube-prometheus-stack.alertmanager.alertmanagerSpec.useExistingSecret': 'false' },
        'useExistingSecret',
      ],
      [{ 'menagerie-server.networkPolicy.allowFrom': 'null' }, 'networkPolicy.allowFrom'],
    ];
    for (const [set, key] of cases) {
      expect(await helmTemplateError(chartDir, { set }), JSON.stringify(set)).to.include(key);
    }
  });

  it('admits Prometheus and the blackbox exporter to the apps, as their charts label the pods', () => {
    const prometheusPod = {
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/instance': STACK.prometheus.service,
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      prometheus: STACK.prometheus.service,
    };
    const blackboxPod = {
      'app.kubernetes.io/name': 'prometheus-blackbox-exporter',
      'app.kubernetes.io/instance': RELEASE,
    };
    const admits = (policy: string, labels: Record<string, string>) =>
      findObject(objects, 'NetworkPolicy', policy)
        // biome-ignore lint/suspicious/noExplicitAny: rendered peers
        .spec.ingress[0].from.some((peer: any) => selects(peer.podSelector.matchLabels, labels));
    expect(admits(SERVER.name, prometheusPod)).to.equal(true);
    expect(admits(SERVER.name, blackboxPod)).to.equal(true);
    expect(admits(CLIENT.name, prometheusPod)).to.equal(true);
    expect(admits(CLIENT.name, blackboxPod)).to.equal(false);
    expect(
      admits(SERVER.name, { ...prometheusPod, 'app.kubernetes.io/instance': 'another-prometheus' }),
    ).to.equal(false);
  });

  it('ships a helm test that asks Prometheus whether it scrapes and probes the server', () => {
    const pod = findObject(objects, 'Pod', 'menagerie-test-metrics-scraped');
    expect(pod.metadata.annotations?.['helm.sh/hook']).to.equal('test');
    const container = pod.spec.containers[0];
    expect(serviceTarget(envValue(container, 'PROMETHEUS_URL') ?? '')).to.deep.include({
      service: STACK.prometheus.service,
      port: STACK.prometheus.port,
    });
    expect(JSON.parse(envValue(container, 'QUERIES') ?? '[]')).to.deep.equal([
      `up{job="${SERVER.name}"}`,
      `probe_success{job="${BLACKBOX_PROBE.job}"}`,
    ]);
    expect(container.image).to.equal(
      podSpecOf(findObject(objects, 'Deployment', SERVER.name)).containers[0].image,
    );
  });

  it('keeps asking Prometheus through refused connections until it answers, and fails at the deadline', async () => {
    const pod = findObject(objects, 'Pod', 'menagerie-test-metrics-scraped');
    const answer = JSON.stringify({ status: 'success', data: { result: [{ value: [0, '1'] }] } });
    const prometheus = createServer((_request, response) => response.end(answer));
    const port = await freePort();
    const fast = { PROMETHEUS_URL: `http://127.0.0.1:${port}`, RETRY_SECONDS: '0.2' };
    // Nothing listens for the first second: the script must wait, not fail.
    const late = setTimeout(() => prometheus.listen(port, '127.0.0.1'), 1_000);
    try {
      const run = await runTestPodScript(pod, { ...fast, DEADLINE_SECONDS: '30' });
      expect(run.code, run.output).to.equal(0);
      expect(run.output).to.include('ECONNREFUSED').and.include(`up{job="${SERVER.name}"} = 1`);
    } finally {
      clearTimeout(late);
      prometheus.close();
    }
    const never = await runTestPodScript(pod, { ...fast, DEADLINE_SECONDS: '1' });
    expect(never.code).to.not.equal(0);
    expect(never.output).to.match(/is "unanswered \(ECONNREFUSED\)", not 1/);
  });

  it('tells the user in NOTES.txt how to reach Grafana, Prometheus, Alertmanager and the app', async () => {
    const result = await helm(['install', RELEASE, chartDir, '--namespace', NAMESPACE, '--dry-run=client']);
    expect(result.ok, result.stderr).to.equal(true);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    for (const { service, port } of [STACK.grafana, STACK.prometheus, STACK.alertmanager]) {
      expect(notes).to.include(`svc/${service}`).and.include(`:${port}`);
    }
    expect(notes).to.include(`svc/${SERVER.name} ${SERVER.port}:${SERVER.port}`);
    expect(notes).to.include(`get secret ${at('grafana', 'admin', 'existingSecret')}`);
    expect(notes).to.include('end-of-life');
  });
});

describe('umbrella chart: dashboards, rules and the Alertmanager config come from files/', () => {
  let fixtures: K8sObject[];

  before(async () => {
    const chartDir = umbrellaCopy({
      files: {
        'dashboards/menagerie-red.json': DASHBOARD('Menagerie RED'),
        'dashboards/Golden_Signals.json': DASHBOARD('Golden'),
        'rules/menagerie-alerts.yaml': RULES,
        'alertmanager/alertmanager.yaml': ALERTMANAGER,
      },
    });
    fixtures = await render(chartDir, { release: RELEASE, namespace: NAMESPACE });
  });

  it('turns each dashboard into a ConfigMap Grafana sidecar loads into the Menagerie folder', () => {
    const sidecar = at('grafana', 'sidecar', 'dashboards') as {
      label: string;
      labelValue: string;
      folderAnnotation: string;
    };
    const dashboards = ofKind(fixtures, 'ConfigMap').filter((cm) => cm.metadata.labels?.[sidecar.label]);
    expect(dashboards.map((cm) => cm.metadata.name)).to.have.members([
      'menagerie-dashboard-menagerie-red',
      'menagerie-dashboard-golden-signals',
    ]);
    for (const configMap of dashboards) {
      expect(configMap.metadata.labels?.[sidecar.label]).to.equal(sidecar.labelValue);
      expect(configMap.metadata.annotations?.[sidecar.folderAnnotation]).to.equal(
        at('grafanaDashboards', 'folder'),
      );
    }
    const red = findObject(fixtures, 'ConfigMap', 'menagerie-dashboard-menagerie-red');
    expect(JSON.parse(red.data['menagerie-red.json'])).to.deep.equal(JSON.parse(DASHBOARD('Menagerie RED')));
    const kps = at(KPS, 'grafana', 'sidecar', 'dashboards') as { label: string; labelValue: string };
    expect([kps.label, kps.labelValue]).to.deep.equal([sidecar.label, sidecar.labelValue]);
  });

  it('turns each rule file into a PrometheusRule whose spec is the file plus runbook links, valid for promtool', async () => {
    const rule = findObject(fixtures, 'PrometheusRule', 'menagerie-menagerie-alerts');
    expect(rule.spec).to.deep.equal(withRunbookLinks(parse(RULES), chartRunbookBaseUrl()));
    const file = path.join(makeTempDir('rules'), 'rule.yaml');
    writeFileSync(file, JSON.stringify(rule.spec));
    const check = await tool('promtool', ['check', 'rules', file]);
    expect(check.ok, check.output).to.equal(true);
  });

  it('delivers alertmanager.yaml as the Secret kube-prometheus-stack tells Alertmanager to read, valid for amtool', async () => {
    const name = at(KPS, 'alertmanager', 'alertmanagerSpec', 'configSecret') as string;
    expect(at(KPS, 'alertmanager', 'alertmanagerSpec', 'useExistingSecret')).to.equal(true);
    const config = decodeBase64(findObject(fixtures, 'Secret', name).data['alertmanager.yaml']);
    expect(config).to.equal(ALERTMANAGER);
    const file = path.join(makeTempDir('alertmanager'), 'alertmanager.yaml');
    writeFileSync(file, config);
    const check = await tool('amtool', ['check-config', file]);
    expect(check.ok, check.output).to.equal(true);
  });

  it('mounts the paging Secret the configuration reads, and refuses a config that reads an unmounted one', async () => {
    const paging = at('alerting', 'pagingSecret') as { name: string; key: string };
    // No key in the chart's values: it only ever comes from an encrypted file (docs/secrets.md).
    expect(paging).to.deep.equal({ name: PAGING.secretName, key: PAGING.secretKey, routingKey: '' });
    expect(ALERTMANAGER).to.include(`/etc/alertmanager/secrets/${paging.name}/${paging.key}`);
    expect(at(KPS, 'alertmanager', 'alertmanagerSpec', 'secrets')).to.deep.equal([paging.name]);
    const chartDir = umbrellaCopy({
      files: { 'alertmanager/alertmanager.yaml': ALERTMANAGER.replace(paging.name, 'unmounted') },
    });
    expect(await helmTemplateError(chartDir)).to.include('Secret "unmounted" is not in');
  });

  it('falls back to a drop-everything Alertmanager config until the file exists', async () => {
    const objects = await render(umbrellaCopy({ files: {} }));
    const name = at(KPS, 'alertmanager', 'alertmanagerSpec', 'configSecret') as string;
    const config = parse(decodeBase64(findObject(objects, 'Secret', name).data['alertmanager.yaml']));
    expect(config).to.deep.equal({ route: { receiver: 'null' }, receivers: [{ name: 'null' }] });
    expect(ofKind(objects, 'PrometheusRule')).to.deep.equal([]);
  });

  it('refuses files that are not what their folder holds', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'dashboards/broken.json': '{"title": ' }, 'dashboards/broken.json is not'],
      [{ 'rules/not-rules.yaml': 'alerts: []\n' }, 'must be a Prometheus rule file'],
      [{ 'alertmanager/alertmanager.yaml': 'receivers: []\n' }, 'must be an Alertmanager configuration'],
    ];
    for (const [files, message] of cases) {
      expect(await helmTemplateError(umbrellaCopy({ files })), message).to.include(message);
    }
  });
});

describe('umbrella chart: the real files/ the monitoring package generates', () => {
  const filesDir = path.join(UMBRELLA_DIR, 'files');
  const list = (folder: string, extension: string) =>
    existsSync(path.join(filesDir, folder))
      ? readdirSync(path.join(filesDir, folder)).filter((file) => file.endsWith(extension))
      : [];
  let objects: K8sObject[];

  before(async () => {
    objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE });
  });

  it('renders with whatever files exist, every object valid', async () => {
    expect(await allSchemaProblems(objects)).to.deep.equal([]);
    const dashboards = ofKind(objects, 'ConfigMap').filter((cm) =>
      cm.metadata.name.startsWith('menagerie-dashboard-'),
    );
    expect(dashboards).to.have.length(list('dashboards', '.json').length);
    expect(ofKind(objects, 'PrometheusRule')).to.have.length(list('rules', '.yaml').length);
  });

  for (const file of list('dashboards', '.json')) {
    it(`ships dashboard ${file} unchanged`, () => {
      const configMap = ofKind(objects, 'ConfigMap').find((cm) => cm.data?.[file] !== undefined);
      expect(configMap, file).to.not.equal(undefined);
      expect(JSON.parse(configMap?.data[file])).to.deep.equal(
        JSON.parse(readFileSync(path.join(filesDir, 'dashboards', file), 'utf8')),
      );
    });
  }

  for (const file of list('rules', '.yaml')) {
    it(`ships rule file ${file} as a PrometheusRule, each alert linked to its runbook`, () => {
      const expected = withRunbookLinks(
        parse(readFileSync(path.join(filesDir, 'rules', file), 'utf8')),
        chartRunbookBaseUrl(),
      );
      // Deep equality, not text: Helm's toYaml sorts keys.
      expect(ofKind(objects, 'PrometheusRule').map((rule) => rule.spec)).to.deep.include(expected);
    });
  }

  if (existsSync(path.join(filesDir, 'alertmanager', 'alertmanager.yaml'))) {
    it('ships alertmanager.yaml unchanged', () => {
      const name = at(KPS, 'alertmanager', 'alertmanagerSpec', 'configSecret') as string;
      expect(decodeBase64(findObject(objects, 'Secret', name).data['alertmanager.yaml'])).to.equal(
        readFileSync(path.join(filesDir, 'alertmanager', 'alertmanager.yaml'), 'utf8'),
      );
    });
  }
});

describe('umbrella chart: runbook links', () => {
  const alertsOf = (objects: K8sObject[]) =>
    ofKind(objects, 'PrometheusRule').flatMap((rule) =>
      (rule.spec.groups as { rules: { alert?: string; annotations?: Record<string, string> }[] }[]).flatMap(
        (group) => group.rules.filter((each) => each.alert),
      ),
    );

  it("defaults to this repository's runbooks, the contract's RUNBOOK_BASE_URL", () => {
    expect(chartRunbookBaseUrl()).to.equal(RUNBOOK_BASE_URL);
  });

  it('links every alert to <alerting.runbookBaseUrl>/<alert>.md, so a fork sets one value', async () => {
    const fork = 'https://git.example.org/team/menagerie-fork/src/branch/main/docs/runbooks';
    const objects = await render(umbrellaCopy(), { set: { 'alerting.runbookBaseUrl': fork } });
    const alerts = alertsOf(objects);
    expect(alerts.map((each) => each.alert).sort()).to.deep.equal(Object.values(ALERT).sort());
    for (const each of alerts) {
      expect(each.annotations?.runbook_url, each.alert).to.equal(`${fork}/${each.alert}.md`);
    }
  });

  it('refuses a base URL that ends in a slash or is not http(s)', async () => {
    for (const bad of ['https://example.org/runbooks/', 'docs/runbooks']) {
      const message = await helmTemplateError(umbrellaCopy(), { set: { 'alerting.runbookBaseUrl': bad } });
      expect(message, bad).to.include('runbookBaseUrl');
    }
  });
});

describe('chart metadata', () => {
  for (const chart of ['menagerie', SERVER.name, CLIENT.name]) {
    it(`names the project's repository as ${chart}'s home`, () => {
      const chartYaml = parse(readFileSync(path.join(UMBRELLA_DIR, '..', chart, 'Chart.yaml'), 'utf8'));
      expect(chartYaml.home).to.equal(REPOSITORY_URL);
    });
  }
});

/**
 * What an existing kube-prometheus-stack selects with its default values, as
 * its 88.5.3 chart renders them (templates/prometheus/prometheus.yaml and the
 * grafana sidecar values; docs/bring-your-own.md records the check): the
 * ServiceMonitors, Probes and PrometheusRules labelled release=<its release>,
 * in every namespace, and the ConfigMaps labelled grafana_dashboard=1.
 */
const EXISTING_KPS = {
  release: 'kube-prometheus-stack',
  selects: (release: string) => ({ release }),
  dashboardLabel: { grafana_dashboard: '1' },
};

describe('umbrella chart: into a cluster that runs its own kube-prometheus-stack', () => {
  it('labels every ServiceMonitor, Probe and PrometheusRule with global.monitoringLabels, so its default selectors pick them up', async () => {
    const objects = await render(umbrellaCopy(), {
      release: RELEASE,
      namespace: NAMESPACE,
      set: { 'global.monitoringLabels.release': EXISTING_KPS.release },
    });
    const selected = ['ServiceMonitor', 'Probe', 'PrometheusRule'].flatMap((kind) => ofKind(objects, kind));
    expect(selected.map((object) => object.kind)).to.include.members([
      'ServiceMonitor',
      'Probe',
      'PrometheusRule',
    ]);
    for (const object of selected) {
      expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).to.include(
        EXISTING_KPS.selects(EXISTING_KPS.release),
      );
    }
    for (const dashboard of ofKind(objects, 'ConfigMap').filter((cm) =>
      cm.metadata.name.startsWith('menagerie-dashboard-'),
    )) {
      expect(dashboard.metadata.labels, dashboard.metadata.name).to.include(EXISTING_KPS.dashboardLabel);
    }
  });

  it('labels the app charts’ ServiceMonitor and Probe the same when they are installed on their own', async () => {
    const label = { 'global.monitoringLabels.release': EXISTING_KPS.release };
    const charts = [
      { chart: SERVER_CHART_DIR, set: { ...label, 'blackboxProbe.enabled': 'true' } },
      { chart: CLIENT_CHART_DIR, set: label },
    ];
    for (const { chart, set } of charts) {
      const objects = await render(standaloneChart(chart), { set });
      const selected = ['ServiceMonitor', 'Probe'].flatMap((kind) => ofKind(objects, kind));
      expect(selected, chart).to.not.be.empty;
      for (const object of selected) {
        expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).to.include(
          EXISTING_KPS.selects(EXISTING_KPS.release),
        );
      }
    }
  });

  describe('the documented values files (deploy/bring-your-own)', () => {
    const byo = (file: string) => path.join(REPOSITORY_ROOT, 'deploy/bring-your-own', file);
    const labels = byo('labels.yaml');
    const apps = byo('apps.yaml');
    const release = (readValues(labels).global as { monitoringLabels: Record<string, string> })
      .monitoringLabels.release as string;
    const appValues = readValues(apps) as { tracing: { otlpEndpoint: string } };

    it("install the server and client on their own, monitored, traced and reachable by the stack's Prometheus", async () => {
      for (const chart of [SERVER_CHART_DIR, CLIENT_CHART_DIR]) {
        const objects = await render(standaloneChart(chart), { valuesFiles: [labels, apps] });
        expect(await allSchemaProblems(objects), chart).to.deep.equal([]);
        const monitor = ofKind(objects, 'ServiceMonitor')[0];
        expect(monitor?.metadata.labels, chart).to.include(EXISTING_KPS.selects(release));
        const deployment = ofKind(objects, 'Deployment')[0];
        const env = deployment?.spec.template.spec.containers[0].env as { name: string; value?: string }[];
        expect(env.find((each) => each.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value).to.equal(
          appValues.tracing.otlpEndpoint,
        );
        const policy = ofKind(objects, 'NetworkPolicy')[0];
        const peers = policy?.spec.ingress[0].from as {
          namespaceSelector?: unknown;
          podSelector?: unknown;
        }[];
        expect(
          peers.some((peer) => peer.namespaceSelector && peer.podSelector),
          chart,
        ).to.equal(true);
      }
    });

    it("render the umbrella's rules and dashboards for the stack's Prometheus and Grafana to find", async () => {
      const objects = await render(umbrellaCopy(), {
        release: RELEASE,
        namespace: NAMESPACE,
        valuesFiles: [labels],
      });
      for (const rule of ofKind(objects, 'PrometheusRule')) {
        expect(rule.metadata.labels, rule.metadata.name).to.include(EXISTING_KPS.selects(release));
      }
      const dashboards = ofKind(objects, 'ConfigMap').filter((cm) =>
        cm.metadata.name.startsWith('menagerie-dashboard-'),
      );
      expect(dashboards).to.not.be.empty;
      for (const dashboard of dashboards)
        expect(dashboard.metadata.labels).to.include(EXISTING_KPS.dashboardLabel);
    });
  });

  it('adds no label when global.monitoringLabels is empty, as in its own stack', async () => {
    const objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE });
    for (const object of ofKind(objects, 'ServiceMonitor')) {
      expect(object.metadata.labels).to.not.have.property('release');
    }
  });
});
