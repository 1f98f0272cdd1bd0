/**
 * Renders the full umbrella against upstream charts that are already unpacked
 * in a directory (one folder per chart name; it never downloads or builds a
 * chart), with each helmfile environment's values, and checks what the CI
 * tests can only take on trust: the Service names and ports the upstream
 * charts create match the contract's STACK, every URL we wire (datasources,
 * the log push URL, Tempo's remote write, the apps' OTLP endpoint, the
 * blackbox prober) reaches a rendered Service, every object passes kubeconform
 * (custom resources against the CRDs of the prometheus-operator-crds chart
 * there, through crd-schemas), and the
 * requests of everything that runs, added up from the rendered objects, equal
 * the figure the tests compute from values and fit the laptop budget.
 *   scripts/render-upstream.sh UPSTREAM_DIR [ENVIRONMENT...]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DATASOURCE_UID, NAMESPACE, OTEL_ENV, RELEASE, SERVER, STACK } from '@menagerie/contract';
import { parse } from 'yaml';
import { removeTempDirs, umbrellaCopy } from '../charts/charts.ts';
import { helm, helmLint, helmTemplate } from '../charts/helm.ts';
import { effectiveValues, readHelmfile, releaseValuesFiles } from '../charts/helmfile.ts';
import { kubeconformFiles } from '../charts/kubeconform.ts';
import {
  envValue,
  findObject,
  type K8sObject,
  ofKind,
  parseManifests,
  podLabelsOf,
  podSpecOf,
  selects,
} from '../charts/manifests.ts';
import {
  addRequests,
  cpuMillis,
  formatRequests,
  memoryBytes,
  type Requests,
  requestsOf,
} from '../charts/resources.ts';
import { totalRequests, upstreamRequests, workloadRequests } from '../charts/stack-requests.ts';
import { alloyPushUrls, provisionedDatasources, resolveService } from '../charts/wiring.ts';
import { crdSchemas, writeSchemas } from '../ci/crd-schemas.ts';

const BUDGET: Requests = { cpuMillis: 3000, memoryBytes: 6 * 2 ** 30 };

const [upstreamArg, ...environmentArgs] = process.argv.slice(2);
if (!upstreamArg) {
  console.error('usage: render-upstream UPSTREAM_DIR [ENVIRONMENT...]');
  process.exit(2);
}
const upstreamDir = path.resolve(upstreamArg);
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
  let total: Requests = { cpuMillis: 0, memoryBytes: 0 };
  for (const object of [...ofKind(objects, 'Prometheus'), ...ofKind(objects, 'Alertmanager')]) {
    const replicas = object.spec.replicas ?? 1;
    total = addRequests(
      total,
      requestsOf(object.spec.resources, `${object.kind} ${object.metadata.name}`),
      replicas,
    );
    total = addRequests(total, reloader, replicas);
  }
  return total;
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
  console.log(`\n== environment ${environment}`);
  const chartDir = umbrellaCopy({ upstreamDir });
  const valuesFiles = await releaseValuesFiles(helmfile, release, environment);
  const options = { release: RELEASE, namespace: release.namespace, valuesFiles };
  const rendered = await helmTemplate(chartDir, options);
  const out = path.join(outputDir, `menagerie-${environment}.yaml`);
  writeFileSync(out, rendered);
  const objects = parseManifests(rendered);
  const kinds = new Map<string, number>();
  for (const object of objects) kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1);
  console.log(`  helm template: ${objects.length} objects (${rendered.length} bytes) -> ${out}`);
  console.log(`  kinds: ${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);

  const lint = await helmLint(chartDir, options);
  check(lint.ok, `helm lint --strict${lint.ok ? '' : `:\n${lint.stdout}${lint.stderr}`}`);

  const keys = objects.map(
    (object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`,
  );
  check(new Set(keys).size === keys.length, 'no two objects share a kind, namespace and name');

  const validation = await kubeconformFiles([out], { crdSchemaDir });
  const summary = validation.output.trim().split('\n').pop() ?? '';
  check(validation.ok, `kubeconform: ${validation.ok ? summary : `\n${validation.output.trim()}`}`);

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

  for (const [component, { service, port }] of Object.entries(STACK)) {
    const resolved = resolveService(`http://${service}.${NAMESPACE}.svc:${port}`, objects, NAMESPACE);
    check('service' in resolved, `STACK.${component}: Service ${service} port ${port}`);
  }
  const tempo = findObject(objects, 'Service', STACK.tempo.service);
  // biome-ignore lint/suspicious/noExplicitAny: rendered ports
  const tempoPorts = tempo.spec.ports.map((port: any) => port.port);
  check(
    tempoPorts.includes(STACK.tempo.otlpGrpcPort) && tempoPorts.includes(STACK.tempo.otlpHttpPort),
    `Tempo OTLP ports ${STACK.tempo.otlpGrpcPort}/${STACK.tempo.otlpHttpPort} on Service ${STACK.tempo.service}`,
  );

  const urls: [string, string][] = [];
  for (const uid of Object.values(DATASOURCE_UID)) {
    const datasource = provisionedDatasources(objects).get(uid);
    if (datasource) urls.push([`datasource ${uid}`, datasource.url]);
    else check(false, `datasource ${uid} provisioned`);
  }
  const values = effectiveValues(chartDir, valuesFiles);
  if ((values.promtail as { enabled: boolean }).enabled) {
    const secret = findObject(objects, 'Secret', `${RELEASE}-promtail`);
    const config = parse(secret.stringData?.['promtail.yaml'] ?? '') as { clients: { url: string }[] };
    for (const client of config.clients) urls.push(['promtail push', client.url]);
  } else {
    const configMap = findObject(objects, 'ConfigMap', `${RELEASE}-alloy`);
    for (const url of alloyPushUrls(Object.values(configMap.data as Record<string, string>)[0] ?? '')) {
      urls.push(['alloy push', url]);
    }
  }
  const tempoConfig = parse(findObject(objects, 'ConfigMap', STACK.tempo.service).data['tempo.yaml']) as {
    metrics_generator: { storage: { remote_write: { url: string }[] } };
  };
  for (const target of tempoConfig.metrics_generator.storage.remote_write)
    urls.push(['tempo remote write', target.url]);
  for (const name of [SERVER.name, 'menagerie-client']) {
    const container = podSpecOf(findObject(objects, 'Deployment', name)).containers[0];
    urls.push([`${name} ${OTEL_ENV.endpoint}`, envValue(container, OTEL_ENV.endpoint) ?? '(unset)']);
    const url = envValue(container, 'SERVER_URL');
    if (url) urls.push([`${name} SERVER_URL`, url]);
  }
  const probe = findObject(objects, 'Probe', `${SERVER.name}-readiness`);
  urls.push(
    ['blackbox prober', probe.spec.prober.url],
    ['blackbox target', probe.spec.targets.staticConfig.static[0]],
  );
  for (const [what, url] of urls) {
    const resolved = resolveService(url, objects, NAMESPACE);
    check('service' in resolved, `${what}: ${url}${'problem' in resolved ? ` (${resolved.problem})` : ''}`);
  }

  const fromObjects = addRequests(totalRequests(workloadRequests(objects)), operatorManagedRequests(objects));
  const apps = workloadRequests(objects).filter((container) =>
    /^menagerie-(server|client)\//.test(container.component),
  );
  const fromValues = totalRequests([...upstreamRequests(values), ...apps]);
  console.log(`  requests from the rendered objects: ${formatRequests(fromObjects)}`);
  console.log(`  requests from the values (what the tests compute): ${formatRequests(fromValues)}`);
  check(
    fromObjects.cpuMillis === fromValues.cpuMillis && fromObjects.memoryBytes === fromValues.memoryBytes,
    'the two sums agree',
  );
  check(
    fromObjects.cpuMillis <= BUDGET.cpuMillis && fromObjects.memoryBytes <= BUDGET.memoryBytes,
    `within the budget of ${formatRequests(BUDGET)}`,
  );
}

removeTempDirs();
console.log(failures === 0 ? '\nall checks passed' : `\n${failures} checks failed`);
process.exit(failures === 0 ? 0 : 1);
