import path from 'node:path';
import {
  AVAILABILITY_SLO,
  CLIENT,
  DATASOURCE_UID,
  LATENCY_SLO,
  NAMESPACE,
  OTLP,
  RELEASE,
  SERVER,
} from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { UMBRELLA_DIR, umbrellaCopy } from '@menagerie/tools/charts/charts';
import { helmTemplateError } from '@menagerie/tools/charts/helm';
import {
  effectiveValues,
  type Helmfile,
  type HelmfileRelease,
  OBJECT_STORE_RELEASE,
  readHelmfile,
  releaseEnabled,
  releaseValues,
  releaseValuesFiles,
  renderGotmpl,
  stateValues,
} from '@menagerie/tools/charts/helmfile';
import {
  envValue,
  findObject,
  type K8sObject,
  ofKind,
  podLabelsOf,
  podSpecOf,
} from '@menagerie/tools/charts/manifests';
import { restrictedProfileProblems } from '@menagerie/tools/charts/pod-security';
import { topologyOf } from '@menagerie/tools/charts/topology';
import { type Values, valueAt } from '@menagerie/tools/charts/values';
import { provisionedDatasources, serviceTarget } from '@menagerie/tools/charts/wiring';
import { expect } from 'chai';
import { parse } from 'yaml';
import { allSchemaProblems, render } from './support/render.ts';

const KPS = 'kube-prometheus-stack';
const ENVIRONMENT = 'production';

describe('the production environment (remote dependencies left out)', () => {
  let helmfile: Helmfile;
  let umbrella: HelmfileRelease;
  let state: Values;
  let values: Values;
  let objects: K8sObject[];
  let valuesFiles: string[];
  const at = (...keys: string[]) => valueAt(values, keys);

  before(async () => {
    helmfile = readHelmfile();
    const found = helmfile.releases.find((release) => release.name === RELEASE);
    if (!found) throw new Error(`no release ${RELEASE}`);
    umbrella = found;
    state = stateValues(helmfile, ENVIRONMENT);
    valuesFiles = await releaseValuesFiles(helmfile, umbrella, ENVIRONMENT);
    values = effectiveValues(UMBRELLA_DIR, valuesFiles);
    objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE, valuesFiles });
  });

  it('renders objects that all validate, every pod passing the restricted Pod Security profile', async () => {
    expect(await allSchemaProblems(objects)).to.deep.equal([]);
    expect(state.podSecurity).to.equal('restricted');
    expect(restrictedProfileProblems(objects)).to.deep.equal([]);
    // node-exporter needs host access; production leaves it to the platform.
    expect(at(KPS, 'nodeExporter', 'enabled')).to.equal(false);
    expect(at('promtail', 'enabled')).to.equal(false);
    // The Gateway's routes are kind's host names on a laptop port.
    expect(at('gateway', 'enabled')).to.equal(false);
    expect(ofKind(objects, 'Gateway')).to.deep.equal([]);
  });

  it('runs every component in its distributed mode', () => {
    expect(topologyOf(values)).to.deep.equal({ thanos: true, lokiMonolithic: false, tempoDistributed: true });
    expect(at('tempo', 'enabled')).to.equal(false);
  });

  it('reads metrics through Thanos Query, logs through the Loki gateway, traces through the query-frontend', () => {
    const datasources = provisionedDatasources(objects);
    const url = (uid: string) => serviceTarget(datasources.get(uid)?.url ?? '');
    expect(url(DATASOURCE_UID.prometheus)).to.deep.include({
      service: `${at('thanos', 'fullnameOverride')}-query`,
      port: at('thanos', 'query', 'service', 'httpPort'),
    });
    expect(url(DATASOURCE_UID.loki)).to.deep.include({
      service: `${at('loki', 'fullnameOverride')}-gateway`,
      port: at('loki', 'gateway', 'service', 'port'),
    });
    expect(url(DATASOURCE_UID.tempo)).to.deep.include({
      service: `${at('tempo-distributed', 'fullnameOverride')}-query-frontend`,
      port: at('tempo-distributed', 'server', 'httpListenPort'),
    });
    for (const name of [SERVER.name, CLIENT.name]) {
      const container = podSpecOf(findObject(objects, 'Deployment', name)).containers[0];
      expect(serviceTarget(envValue(container, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? ''), name).to.deep.include({
        service: `${at('tempo-distributed', 'fullnameOverride')}-distributor`,
        port: OTLP.httpPort,
      });
    }
    const push = (at('alloy', 'lokiPushUrl') as string).replace('{{ .Release.Namespace }}', NAMESPACE);
    expect(serviceTarget(push)).to.deep.include({ service: 'loki-gateway', path: '/loki/api/v1/push' });
  });

  it('runs two Prometheus replicas, each labelled for Thanos to deduplicate, uploading where Thanos reads', () => {
    const spec = at(KPS, 'prometheus', 'prometheusSpec') as Record<string, Values>;
    expect(spec.replicas).to.equal(2);
    expect(at('thanos', 'additionalReplicaLabels')).to.include(spec.replicaExternalLabelName);
    expect(valueAt(spec, ['thanos', 'objectStorageConfig', 'existingSecret'])).to.deep.equal({
      name: at('thanos', 'objstoreConfig', 'name'),
      key: at('thanos', 'objstoreConfig', 'key'),
    });
    expect(at(KPS, 'prometheus', 'thanosService', 'enabled')).to.equal(true);
    expect(at('thanos', 'additionalEndpoints')).to.deep.equal([
      `dnssrv+_grpc._tcp.${at(KPS, 'fullnameOverride')}-thanos-discovery.{{ .Release.Namespace }}.svc.cluster.local`,
    ]);
    expect(at('thanos', 'compact', 'enabled')).to.equal(true);
    expect(at('thanos', 'storeGateway', 'enabled')).to.equal(true);
    // Tempo's metrics generator writes to each replica, through the Service of each.
    const remoteWrite = at('tempo-distributed', 'metricsGenerator', 'config', 'storage', 'remote_write') as {
      url: string;
    }[];
    expect(at(KPS, 'prometheus', 'servicePerReplica', 'enabled')).to.equal(true);
    expect(remoteWrite.map((target) => serviceTarget(target.url).service)).to.deep.equal(
      [0, 1].map((replica) => `${at(KPS, 'fullnameOverride')}-prometheus-${replica}`),
    );
    expect(at(KPS, 'prometheus', 'podDisruptionBudget')).to.deep.include({ enabled: true });
  });

  it('keeps in each replica the SLO period its rules read back, whatever Thanos keeps', () => {
    const retention = at(KPS, 'prometheus', 'prometheusSpec', 'retention') as string;
    const days = Number(/^(\d+)d$/.exec(retention)?.[1]);
    expect(days, retention).to.be.at.least(Math.max(AVAILABILITY_SLO.windowDays, LATENCY_SLO.windowDays));
  });

  it('clusters three Alertmanagers, which deduplicate notifications', () => {
    expect(at(KPS, 'alertmanager', 'alertmanagerSpec', 'replicas')).to.equal(3);
    expect(at(KPS, 'alertmanager', 'podDisruptionBudget')).to.deep.include({
      enabled: true,
      maxUnavailable: 1,
    });
  });

  it('runs Loki simple scalable on object storage, every stream on three ingesters', () => {
    expect(at('loki', 'deploymentMode')).to.equal('SimpleScalable');
    expect(at('loki', 'loki', 'commonConfig', 'replication_factor')).to.equal(3);
    for (const target of ['write', 'read', 'backend'])
      expect(at('loki', target, 'replicas'), target).to.equal(3);
    expect(at('loki', 'singleBinary', 'replicas')).to.equal(0);
    expect(at('loki', 'loki', 'storage', 'type')).to.equal('s3');
    const schemas = at('loki', 'loki', 'schemaConfig', 'configs') as { object_store: string }[];
    expect(schemas.map((schema) => schema.object_store)).to.deep.equal(['s3']);
    expect(at('loki', 'gateway', 'enabled')).to.equal(true);
  });

  it('runs tempo-distributed on object storage and keeps its metrics generator', () => {
    expect(at('tempo-distributed', 'enabled')).to.equal(true);
    expect(at('tempo-distributed', 'storage', 'trace', 'backend')).to.equal('s3');
    expect(at('tempo-distributed', 'metricsGenerator', 'enabled')).to.equal(true);
    // The same processors as the one-pod Tempo of the laptop environments.
    expect(
      at('tempo-distributed', 'overrides', 'defaults', 'metrics_generator', 'processors'),
    ).to.have.members(
      at('tempo', 'tempo', 'overrides', 'defaults', 'metrics_generator', 'processors') as string[],
    );
    expect(at('tempo-distributed', 'metricsGenerator', 'config', 'processor', 'local_blocks')).to.deep.equal(
      at('tempo', 'tempo', 'metricsGenerator', 'processor', 'local_blocks'),
    );
    expect(at('tempo-distributed', 'ingester', 'replicas')).to.equal(3);
  });

  it('runs two Grafanas on one PostgreSQL, their alerting in a cluster', () => {
    expect(at('grafana', 'replicas')).to.equal(2);
    expect(at('grafana', 'grafana.ini', 'database', 'type')).to.equal('postgres');
    expect(at('grafana', 'envValueFrom', 'GF_DATABASE_PASSWORD', 'secretKeyRef', 'name')).to.be.a('string');
    expect(at('grafana', 'headlessService')).to.equal(true);
    const peers = at('grafana', 'grafana.ini', 'unified_alerting', 'ha_peers') as string;
    expect(peers).to.equal(`${at('grafana', 'fullnameOverride')}-headless:9094`);
    expect(at('grafana', 'persistence', 'enabled')).to.equal(false);
  });

  it('keeps the server up through a node drain: at least one replica per node, spread, one down at a time', () => {
    const cluster = state.cluster as { nodes: number };
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', SERVER.name);
    expect(hpa.spec.minReplicas).to.be.at.least(cluster.nodes);
    expect(findObject(objects, 'PodDisruptionBudget', SERVER.name).spec.maxUnavailable).to.equal(1);
    const deployment = findObject(objects, 'Deployment', SERVER.name);
    const [byNode] = podSpecOf(deployment).topologySpreadConstraints;
    expect(byNode).to.deep.include({
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'DoNotSchedule',
    });
    const labels = podLabelsOf(deployment);
    for (const [key, value] of Object.entries(byNode.labelSelector.matchLabels))
      expect(labels[key]).to.equal(value);
    expect(at('prometheus-adapter', 'enabled')).to.equal(true);
  });

  it('gives Thanos, Loki and Tempo the S3 endpoint and buckets of the state value, and the credentials as environment', async () => {
    const file = path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/object-storage.yaml.gotmpl');
    const external = parse(await renderGotmpl(file, state));
    const storage = state.objectStorage as {
      endpoint: string;
      credentialsSecret: string;
      buckets: Record<string, string>;
    };
    expect(valueAt(external, ['thanos', 'objstoreConfig', 'value', 'config'])).to.deep.include({
      bucket: storage.buckets.metrics,
      endpoint: storage.endpoint,
      insecure: false,
    });
    expect(valueAt(external, ['loki', 'loki', 'storage', 'bucketNames', 'chunks'])).to.equal(
      storage.buckets.logsChunks,
    );
    expect(valueAt(external, ['loki', 'loki', 'storage', 's3', 'endpoint'])).to.equal(storage.endpoint);
    expect(valueAt(external, ['tempo-distributed', 'storage', 'trace', 's3', 'bucket'])).to.equal(
      storage.buckets.traces,
    );
    expect(valueAt(external, ['loki', 'defaults', 'extraEnvFrom'])).to.deep.equal([
      { secretRef: { name: storage.credentialsSecret } },
    ]);
    const sidecar = valueAt(external, [KPS, 'prometheus', 'prometheusSpec', 'containers']) as {
      name: string;
    }[];
    expect(sidecar.map((container) => container.name)).to.deep.equal(['thanos-sidecar']);
    expect(parse(await renderGotmpl(file, stateValues(helmfile, 'default')))).to.equal(null);
  });

  it('switches to the in-cluster store with one state value: a release of its own, first, with every bucket', async () => {
    const overrides = { inClusterObjectStorage: { enabled: true } };
    const store = helmfile.releases.find((release) => release.name === OBJECT_STORE_RELEASE);
    if (!store) throw new Error(`no release ${OBJECT_STORE_RELEASE}`);
    expect(releaseEnabled(store, state)).to.equal(false);
    expect(releaseEnabled(store, stateValues(helmfile, ENVIRONMENT, overrides))).to.equal(true);
    expect(umbrella.needs).to.include(`${store.namespace}/${store.name}`);
    const storeValues = await releaseValues(helmfile, store, ENVIRONMENT, overrides);
    const storage = state.objectStorage as { credentialsSecret: string; buckets: Record<string, string> };
    const buckets = valueAt(storeValues, ['allInOne', 's3', 'createBuckets']) as { name: string }[];
    expect(buckets.map((bucket) => bucket.name)).to.have.members(Object.values(storage.buckets));
    expect(valueAt(storeValues, ['s3', 'credentials', 'admin', 'existingSecret'])).to.equal(
      storage.credentialsSecret,
    );
    const [hook] = store.hooks ?? [];
    expect(hook?.args).to.deep.equal([store.namespace, storage.credentialsSecret]);
    // The stores' endpoint is then the SeaweedFS S3 Service, in plain HTTP inside the cluster.
    const inCluster = effectiveValues(
      UMBRELLA_DIR,
      await releaseValuesFiles(helmfile, umbrella, ENVIRONMENT, overrides),
    );
    const endpoint = valueAt(inCluster, ['loki', 'loki', 'storage', 's3', 'endpoint']) as string;
    expect(serviceTarget(endpoint)).to.deep.include({
      service: `${valueAt(storeValues, ['fullnameOverride'])}-all-in-one`,
      port: 8333,
    });
    expect(valueAt(inCluster, ['thanos', 'objstoreConfig', 'value', 'config', 'insecure'])).to.equal(true);
    expect(restrictedProfileProblems(objects)).to.deep.equal([]);
    expect(valueAt(storeValues, ['allInOne', 'podSecurityContext'])).to.deep.include({ runAsNonRoot: true });
  });

  it('refuses a render whose Thanos, Loki or Tempo wiring drifts', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'thanos.additionalReplicaLabels': '{replica}' }, 'thanos.additionalReplicaLabels must list'],
      [
        { 'kube-prometheus-stack.prometheus.thanosService.enabled': 'false' },
        'thanosService.enabled must be true',
      ],
      [{ 'thanos.objstoreConfig.name': 'elsewhere' }, 'objectStorageConfig.existingSecret'],
      [{ 'thanos.additionalEndpoints': 'null' }, 'thanos.additionalEndpoints must list'],
      [{ 'loki.gateway.enabled': 'false' }, 'loki.gateway.enabled must be true'],
      [
        { 'kube-prometheus-stack.prometheus.prometheusSpec.replicas': '3' },
        'metricsGenerator.config.storage.remote_write',
      ],
      [{ 'tempo.enabled': 'true' }, 'exactly one Tempo'],
      [{ 'alloy.lokiPushUrl': 'http://loki.menagerie.svc:3100/loki/api/v1/push' }, 'alloy.lokiPushUrl'],
      [{ 'menagerie-server.tracing.otlpEndpoint': 'http://tempo.menagerie.svc:4318' }, 'otlpEndpoint'],
    ];
    const chartDir = umbrellaCopy();
    for (const [set, message] of cases) {
      expect(
        await helmTemplateError(chartDir, { release: RELEASE, namespace: NAMESPACE, valuesFiles, set }),
        JSON.stringify(set),
      ).to.include(message);
    }
  });
});
