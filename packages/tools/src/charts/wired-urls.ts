import { DATASOURCE_UID, OTEL_ENV, RELEASE, SERVER } from '@menagerie/contract';
import { parse } from 'yaml';
import { envValue, findObject, type K8sObject, ofKind, podSpecOf } from './manifests.ts';
import type { Values } from './values.ts';
import { valueAt } from './values.ts';
import { alloyPushUrls, provisionedDatasources } from './wiring.ts';

/** A URL one component was given to reach another, and who holds it. */
export interface WiredUrl {
  readonly what: string;
  readonly url: string;
}

/** The Tempo configuration as rendered: one-pod chart (ConfigMap tempo) or tempo-distributed (tempo-config). */
function tempoConfig(objects: readonly K8sObject[]): {
  metrics_generator: { storage: { remote_write: { url: string }[] } };
} {
  const configMap = ofKind(objects, 'ConfigMap').find((object) => object.data?.['tempo.yaml'] !== undefined);
  if (!configMap) throw new Error('no ConfigMap holds tempo.yaml');
  return parse(configMap.data['tempo.yaml']);
}

function arg(args: readonly string[], name: string): string | undefined {
  return args.find((candidate) => candidate.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/**
 * Every in-cluster URL the release wires, read from the rendered objects:
 * Grafana's datasources, the log collector's push URL, Tempo's remote writes,
 * the apps' OTLP endpoint and the client's server, the blackbox prober and
 * target, prometheus-adapter's Prometheus and the Services behind its
 * APIServices.
 */
export function wiredUrls(objects: readonly K8sObject[], values: Values): WiredUrl[] {
  const urls: WiredUrl[] = [];
  const datasources = provisionedDatasources(objects);
  for (const uid of Object.values(DATASOURCE_UID)) {
    urls.push({ what: `datasource ${uid}`, url: datasources.get(uid)?.url ?? `(no datasource ${uid})` });
  }
  if (valueAt(values, ['promtail', 'enabled']) === true) {
    const secret = findObject(objects, 'Secret', `${RELEASE}-promtail`);
    const config = parse(secret.stringData?.['promtail.yaml'] ?? '') as { clients: { url: string }[] };
    for (const client of config.clients) urls.push({ what: 'promtail push', url: client.url });
  } else {
    const configMap = findObject(objects, 'ConfigMap', `${RELEASE}-alloy`);
    for (const url of alloyPushUrls(Object.values(configMap.data as Record<string, string>)[0] ?? '')) {
      urls.push({ what: 'alloy push', url });
    }
  }
  for (const target of tempoConfig(objects).metrics_generator.storage.remote_write) {
    urls.push({ what: 'tempo remote write', url: target.url });
  }
  for (const name of [SERVER.name, 'menagerie-client']) {
    const container = podSpecOf(findObject(objects, 'Deployment', name)).containers[0];
    urls.push({
      what: `${name} ${OTEL_ENV.endpoint}`,
      url: envValue(container, OTEL_ENV.endpoint) ?? '(unset)',
    });
    const server = envValue(container, 'SERVER_URL');
    if (server) urls.push({ what: `${name} SERVER_URL`, url: server });
  }
  const probe = findObject(objects, 'Probe', `${SERVER.name}-readiness`);
  urls.push(
    { what: 'blackbox prober', url: probe.spec.prober.url },
    { what: 'blackbox target', url: probe.spec.targets.staticConfig.static[0] },
  );
  if (valueAt(values, ['prometheus-adapter', 'enabled']) === true) {
    const adapter = ofKind(objects, 'Deployment').find((object) =>
      (podSpecOf(object).containers[0].args ?? []).includes('/adapter'),
    );
    const prometheus = adapter && arg(podSpecOf(adapter).containers[0].args, 'prometheus-url');
    urls.push({ what: 'prometheus-adapter --prometheus-url', url: prometheus ?? '(no adapter Deployment)' });
    for (const service of ofKind(objects, 'APIService')) {
      const { name, namespace, port } = service.spec.service;
      urls.push({
        what: `APIService ${service.metadata.name}`,
        url: `https://${name}.${namespace}.svc:${port ?? 443}`,
      });
    }
  }
  return urls;
}

/** The endpoints Thanos Query is given (--endpoint), as written. */
export function thanosQueryEndpoints(objects: readonly K8sObject[]): string[] {
  const query = ofKind(objects, 'Deployment').find((object) =>
    (podSpecOf(object).containers[0].args ?? []).includes('query'),
  );
  if (!query) return [];
  return (podSpecOf(query).containers[0].args as string[])
    .filter((candidate) => candidate.startsWith('--endpoint='))
    .map((candidate) => candidate.slice('--endpoint='.length));
}

/** The S3 endpoint each store is configured with: Thanos's objstore Secret, Loki's and Tempo's configurations. */
export function objectStorageEndpoints(objects: readonly K8sObject[]): WiredUrl[] {
  const endpoints: WiredUrl[] = [];
  for (const secret of ofKind(objects, 'Secret')) {
    const files: [string, string][] = [
      ...Object.entries((secret.data ?? {}) as Record<string, string>).map(
        ([key, encoded]): [string, string] => [key, Buffer.from(encoded, 'base64').toString('utf8')],
      ),
      ...Object.entries((secret.stringData ?? {}) as Record<string, string>),
    ];
    for (const [key, text] of files) {
      if (!key.startsWith('objstore')) continue;
      const config = parse(text) as {
        type: string;
        config: { endpoint: string };
      };
      if (config.type === 'S3')
        endpoints.push({ what: `thanos (Secret ${secret.metadata.name})`, url: config.config.endpoint });
    }
  }
  const loki = ofKind(objects, 'ConfigMap').find((object) =>
    object.data?.['config.yaml']?.includes('schema_config'),
  );
  const lokiEndpoint = loki && parse(loki.data['config.yaml'])?.common?.storage?.s3?.endpoint;
  if (lokiEndpoint) endpoints.push({ what: 'loki', url: lokiEndpoint });
  const tempo = ofKind(objects, 'ConfigMap').find((object) => object.data?.['tempo.yaml'] !== undefined);
  const tempoEndpoint = tempo && parse(tempo.data['tempo.yaml'])?.storage?.trace?.s3?.endpoint;
  if (tempoEndpoint) endpoints.push({ what: 'tempo', url: tempoEndpoint });
  return endpoints;
}
