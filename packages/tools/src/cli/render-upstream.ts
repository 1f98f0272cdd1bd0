/**
 * Renders the full umbrella against upstream charts that are already unpacked
 * in a directory (one folder per chart name; it never downloads or builds a
 * chart), with each helmfile environment's values, and checks what the CI
 * tests can only take on trust: the Service names and ports the upstream
 * charts create match the contract's STACK where the stack runs in one pod per
 * component, every URL we wire (datasources, the log push URL, Tempo's remote
 * writes, the apps' OTLP endpoint, the blackbox prober, prometheus-adapter,
 * Thanos's endpoints, the in-cluster object store) reaches a rendered Service,
 * every object passes kubeconform (custom resources against the CRDs of the
 * prometheus-operator-crds chart there, through crd-schemas), every pod passes
 * the restricted Pod Security profile where the environment asks for it, and
 * the requests of everything that runs, added up from the rendered objects,
 * equal the figure the tests compute from values and fit the environment's
 * budget. Other releases the environment enables (the in-cluster object store)
 * are rendered too.
 *   scripts/render-upstream.sh UPSTREAM_DIR [--state-values-set KEY=VALUE]... [ENVIRONMENT...]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AUTOSCALING_METRIC, NAMESPACE, RELEASE, SERVER, STACK } from '@menagerie/contract';
import { parse } from 'yaml';
import { budgetOf, fits } from '../charts/budget.ts';
import { removeTempDirs, umbrellaCopy } from '../charts/charts.ts';
import { helm, helmLint, helmTemplate } from '../charts/helm.ts';
import {
  effectiveValues,
  type HelmfileRelease,
  objectStoreValues,
  readHelmfile,
  releaseEnabled,
  releaseValuesFiles,
  stateValues,
  stateValuesSet,
} from '../charts/helmfile.ts';
import { kindsWithoutCrdSchema, kubeconformFiles } from '../charts/kubeconform.ts';
import {
  findObject,
  type K8sObject,
  ofKind,
  parseManifests,
  podLabelsOf,
  podSpecOf,
  selects,
} from '../charts/manifests.ts';
import { restrictedProfileProblems } from '../charts/pod-security.ts';
import {
  addRequests,
  cpuMillis,
  formatRequests,
  memoryBytes,
  NO_REQUESTS,
  type Requests,
  requestsOf,
} from '../charts/resources.ts';
import {
  inClusterStoreRequests,
  totalRequests,
  upstreamRequests,
  workloadRequests,
} from '../charts/stack-requests.ts';
import { topologyOf } from '../charts/topology.ts';
import { customResourceProblems } from '../charts/validate.ts';
import { type Values, valueAt } from '../charts/values.ts';
import { objectStorageEndpoints, thanosQueryEndpoints, wiredUrls } from '../charts/wired-urls.ts';
import { resolveDnsSrv, resolveService } from '../charts/wiring.ts';
import { crdSchemas, writeSchemas } from '../ci/crd-schemas.ts';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'state-values-set': { type: 'string', multiple: true } },
});
const [upstreamArg, ...environmentArgs] = positionals;
if (!upstreamArg) {
  console.error('usage: render-upstream UPSTREAM_DIR [--state-values-set KEY=VALUE]... [ENVIRONMENT...]');
  process.exit(2);
}
const upstreamDir = path.resolve(upstreamArg);
const overrides = stateValuesSet(options['state-values-set'] ?? []);
const helmfile = readHelmfile();
const environments = environmentArgs.length ? environmentArgs : Object.keys(helmfile.environments);
const release = helmfile.releases.find((candidate) => candidate.name === RELEASE);
if (!release) throw new Error(`helmfile.yaml has no release ${RELEASE}`);

// The rendered manifests stay for inspection; the chart copies go at the end.
const outputDir = mkdtempSync(path.join(tmpdir(), 'menagerie-full-render-'));
let failures = 0;
const check = (ok: boolean, line: string) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${line}`);
  if (!ok) failures += 1;
};
const checkResolves = (what: string, url: string, resolved: { service: K8sObject } | { problem: string }) =>
  check('service' in resolved, `${what}: ${url}${'problem' in resolved ? ` (${resolved.problem})` : ''}`);

/** Requests of the Prometheus and Alertmanager pods the operator creates from their resources. */
function operatorManagedRequests(objects: readonly K8sObject[]): Requests {
  const operator = findObject(
    objects,
    'Deployment',
    `${STACK.prometheus.service.replace(/-prometheus$/, '')}-operator`,
  );
  const args: string[] = podSpecOf(operator).containers[0].args ?? [];
  const arg = (name: string) =>
    args.find((candidate) => candidate.startsWith(`--${name}=`))?.split('=')[1] ?? '0';
  const reloader: Requests = {
    cpuMillis: cpuMillis(arg('config-reloader-cpu-request')),
    memoryBytes: memoryBytes(arg('config-reloader-memory-request')),
  };
  let total: Requests = NO_REQUESTS;
  for (const object of [...ofKind(objects, 'Prometheus'), ...ofKind(objects, 'Alertmanager')]) {
    const replicas = object.spec.replicas ?? 1;
    const where = `${object.kind} ${object.metadata.name}`;
    total = addRequests(total, requestsOf(object.spec.resources, where), replicas);
    total = addRequests(total, reloader, replicas);
    if (object.spec.thanos) {
      total = addRequests(
        total,
        requestsOf(object.spec.thanos.resources, `${where} thanos sidecar`),
        replicas,
      );
    }
  }
  return total;
}

/** The other releases helmfile installs in this environment from an upstream chart (the in-cluster object store). */
async function renderOtherReleases(
  environment: string,
  state: Values,
): Promise<{ objects: K8sObject[]; files: string[] }> {
  const others = helmfile.releases.filter(
    (candidate: HelmfileRelease) =>
      candidate.name !== RELEASE && candidate.condition !== undefined && releaseEnabled(candidate, state),
  );
  const objects: K8sObject[] = [];
  const files: string[] = [];
  for (const other of others) {
    const chart = path.join(upstreamDir, other.chart.split('/').pop() ?? other.chart);
    const valuesFiles = await releaseValuesFiles(helmfile, other, environment, overrides);
    const rendered = await helmTemplate(chart, {
      release: other.name,
      namespace: other.namespace,
      valuesFiles,
    });
    const file = path.join(outputDir, `${other.name}-${environment}.yaml`);
    writeFileSync(file, rendered);
    const parsed = parseManifests(rendered);
    console.log(`  release ${other.name} (${other.chart} ${other.version}): ${parsed.length} objects`);
    objects.push(...parsed);
    files.push(file);
  }
  return { objects, files };
}

// The CRDs the helmfile installs first, as kubeconform schemas for the custom resources.
const crds = await helm([
  'template',
  'prometheus-operator-crds',
  path.join(upstreamDir, 'prometheus-operator-crds'),
]);
const crdSchemaDir = path.join(outputDir, 'crd-schemas');
const schemas = crds.ok ? crdSchemas(crds.stdout) : [];
writeSchemas(schemas, crdSchemaDir);
console.log(
  `== prometheus-operator-crds: ${crds.ok ? `${schemas.length} CRD schemas -> ${crdSchemaDir}` : crds.stderr}`,
);
if (!crds.ok || schemas.length === 0) failures += 1;

for (const environment of environments) {
  const state = stateValues(helmfile, environment, overrides);
  const budget = budgetOf(state);
  console.log(
    `\n== environment ${environment}${options['state-values-set'] ? ` (${options['state-values-set'].join(', ')})` : ''}`,
  );
  const chartDir = umbrellaCopy({ upstreamDir });
  const valuesFiles = await releaseValuesFiles(helmfile, release, environment, overrides);
  const templateOptions = {
    release: RELEASE,
    namespace: release.namespace,
    valuesFiles,
    apiVersions: release.apiVersions ?? [],
  };
  const rendered = await helmTemplate(chartDir, templateOptions);
  const out = path.join(outputDir, `menagerie-${environment}.yaml`);
  writeFileSync(out, rendered);
  const umbrellaObjects = parseManifests(rendered);
  const kinds = new Map<string, number>();
  for (const object of umbrellaObjects) kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1);
  console.log(`  helm template: ${umbrellaObjects.length} objects (${rendered.length} bytes) -> ${out}`);
  console.log(`  kinds: ${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
  const others = await renderOtherReleases(environment, state);
  const objects = [...umbrellaObjects, ...others.objects];

  const lint = await helmLint(chartDir, templateOptions);
  check(lint.ok, `helm lint --strict${lint.ok ? '' : `:\n${lint.stdout}${lint.stderr}`}`);

  const keys = objects.map(
    (object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`,
  );
  check(new Set(keys).size === keys.length, 'no two objects share a kind, namespace and name');

  // Custom resources whose CRDs are not among the unpacked charts (Gateway API's,
  // which come with Envoy Gateway's chart) are checked against their models.
  const skip = kindsWithoutCrdSchema(objects, crdSchemaDir);
  const validation = await kubeconformFiles([out, ...others.files], { crdSchemaDir, skip });
  const summary = validation.output.trim().split('\n').pop() ?? '';
  check(validation.ok, `kubeconform: ${validation.ok ? summary : `\n${validation.output.trim()}`}`);
  if (skip.length) {
    const modelled = customResourceProblems(
      objects.filter((o) => skip.includes(`${o.apiVersion}/${o.kind}`)),
    );
    check(
      modelled.length === 0,
      `${skip.join(', ')}: no CRD here, checked against their schemas${modelled.length ? `:\n${modelled.join('\n')}` : ''}`,
    );
  }

  // Every ConfigMap and Secret a pod mounts (and does not mark optional) must be rendered too.
  const renderedNames = new Set(objects.map((object) => `${object.kind}/${object.metadata.name}`));
  const dangling: string[] = [];
  for (const workload of objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind))) {
    for (const volume of podSpecOf(workload).volumes ?? []) {
      const ref = volume.secret
        ? { kind: 'Secret', name: volume.secret.secretName, optional: volume.secret.optional }
        : volume.configMap
          ? { kind: 'ConfigMap', name: volume.configMap.name, optional: volume.configMap.optional }
          : undefined;
      if (ref && !ref.optional && !renderedNames.has(`${ref.kind}/${ref.name}`)) {
        dangling.push(`${workload.kind} ${workload.metadata.name} mounts ${ref.kind} ${ref.name}`);
      }
    }
  }
  check(
    dangling.length === 0,
    `every mounted ConfigMap and Secret is rendered${dangling.length ? `: ${dangling.join('; ')}` : ''}`,
  );

  // Pod Security: the environments that state podSecurity: restricted must have every pod pass it.
  const restricted = restrictedProfileProblems(objects);
  if (valueAt(state, ['podSecurity']) === 'restricted') {
    check(
      restricted.length === 0,
      `every pod passes the restricted Pod Security profile${restricted.length ? `:\n${restricted.join('\n')}` : ''}`,
    );
  } else {
    const refused = new Set(restricted.map((problem) => problem.split(':')[0]));
    console.log(
      `  (restricted Pod Security profile not required here; it would refuse: ${[...refused].join(', ') || 'nothing'})`,
    );
  }

  // The server's NetworkPolicy admits the client and the blackbox exporter as their charts label their pods.
  const serverPolicy = findObject(objects, 'NetworkPolicy', SERVER.name);
  const peers = serverPolicy.spec.ingress[0].from as {
    podSelector: { matchLabels: Record<string, string> };
  }[];
  for (const name of [STACK.blackboxExporter.service, 'menagerie-client']) {
    const labels = podLabelsOf(findObject(objects, 'Deployment', name));
    const admitted = peers.some((peer) => selects(peer.podSelector.matchLabels, labels));
    check(admitted, `the server's NetworkPolicy admits the pods of Deployment ${name}`);
  }

  // The contract's Services, where the component runs in the mode the contract names.
  const values = effectiveValues(chartDir, valuesFiles);
  const topology = topologyOf(values);
  const single = Object.entries(STACK).filter(
    ([component]) =>
      (component !== 'loki' || topology.lokiMonolithic) &&
      (component !== 'tempo' || !topology.tempoDistributed),
  );
  for (const [component, { service, port }] of single) {
    const resolved = resolveService(`http://${service}.${NAMESPACE}.svc:${port}`, objects, NAMESPACE);
    check('service' in resolved, `STACK.${component}: Service ${service} port ${port}`);
  }
  if (!topology.tempoDistributed) {
    const tempo = findObject(objects, 'Service', STACK.tempo.service);
    // biome-ignore lint/suspicious/noExplicitAny: rendered ports
    const tempoPorts = tempo.spec.ports.map((port: any) => port.port);
    check(
      tempoPorts.includes(STACK.tempo.otlpGrpcPort) && tempoPorts.includes(STACK.tempo.otlpHttpPort),
      `Tempo OTLP ports ${STACK.tempo.otlpGrpcPort}/${STACK.tempo.otlpHttpPort} on Service ${STACK.tempo.service}`,
    );
  }

  for (const { what, url } of wiredUrls(objects, values))
    checkResolves(what, url, resolveService(url, objects, NAMESPACE));

  if (topology.thanos) {
    const endpoints = thanosQueryEndpoints(objects);
    check(endpoints.length >= 2, `Thanos Query has endpoints: ${endpoints.join(', ')}`);
    for (const endpoint of endpoints) {
      checkResolves('thanos query endpoint', endpoint, resolveDnsSrv(endpoint, objects, NAMESPACE));
    }
  }
  const inCluster = valueAt(state, ['inClusterObjectStorage', 'enabled']) === true;
  for (const { what, url } of objectStorageEndpoints(objects)) {
    if (inCluster) checkResolves(`object storage of ${what}`, url, resolveService(url, objects, NAMESPACE));
    else
      check(
        url === valueAt(state, ['objectStorage', 'endpoint']),
        `object storage of ${what}: ${url} (external)`,
      );
  }

  const autoscaler = ofKind(objects, 'HorizontalPodAutoscaler').find(
    (hpa) => hpa.metadata.name === SERVER.name,
  );
  if (autoscaler) {
    const metric = autoscaler.spec.metrics.find((each: { type: string }) => each.type === 'Pods')?.pods.metric
      .name;
    const adapterConfig = ofKind(objects, 'ConfigMap').find((object) =>
      (object.data?.['config.yaml'] ?? '').includes('metricsQuery'),
    );
    const served = (parse(adapterConfig?.data['config.yaml'] ?? '{}')?.rules ?? []).map(
      (rule: { name: { as: string } }) => rule.name.as,
    );
    check(
      metric === AUTOSCALING_METRIC.requestsPerSecond.name && served.includes(metric),
      `the server's HPA scales on ${metric}, which prometheus-adapter serves (${served.join(', ')})`,
    );
    check(
      ['v1beta1.custom.metrics.k8s.io', 'v1beta1.metrics.k8s.io'].every((name) =>
        ofKind(objects, 'APIService').some((service) => service.metadata.name === name),
      ),
      'prometheus-adapter registers the custom and resource metrics APIs',
    );
  }

  const fromObjects = addRequests(
    totalRequests(workloadRequests(objects, budget.nodes)),
    operatorManagedRequests(objects),
  );
  const apps = workloadRequests(umbrellaObjects, budget.nodes).filter((container) =>
    /^menagerie-(server|client)\//.test(container.component),
  );
  const fromValues = totalRequests([
    ...upstreamRequests(values, budget.nodes),
    ...apps,
    ...inClusterStoreRequests(await objectStoreValues(helmfile, environment, overrides)),
  ]);
  console.log(`  requests from the rendered objects: ${formatRequests(fromObjects)}`);
  console.log(`  requests from the values (what the tests compute): ${formatRequests(fromValues)}`);
  check(
    fromObjects.cpuMillis === fromValues.cpuMillis && fromObjects.memoryBytes === fromValues.memoryBytes,
    'the two sums agree',
  );
  check(
    fits(fromObjects, budget),
    `within the budget of ${formatRequests(budget.requests)}: ${budget.reason}`,
  );
}

removeTempDirs();
console.log(failures === 0 ? '\nall checks passed' : `\n${failures} checks failed`);
process.exit(failures === 0 ? 0 : 1);
